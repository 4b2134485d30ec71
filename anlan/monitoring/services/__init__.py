"""Monitoring services, by sub-domain: ingest (HTTP, MQTT, replay and the benchmark share it), rule
evaluation, alarm steps with their notices and acknowledgement, and upkeep (offline watch, retention).

`ingest(items)` validates each item on its own, stores the good ones, folds them into hourly rollups,
evaluates every active rule of the sensors concerned, opens/raises/closes alarms, notifies and audits each
alarm step, and updates each sensor's live status — all in one transaction and a fixed number of queries per
batch (none per reading).
"""

from .alarms import OPEN_STATUSES, RULE_LABELS, alarm_acknowledge, alarm_close_drill, alarm_open_drill
from .evaluation import clear_rule_cache, evaluate
from .ingest import MAX_FUTURE, IngestResult, ingest
from .upkeep import offline_check, partition_job, retention_job

__all__ = [
    "MAX_FUTURE",
    "OPEN_STATUSES",
    "RULE_LABELS",
    "IngestResult",
    "alarm_acknowledge",
    "alarm_close_drill",
    "alarm_open_drill",
    "clear_rule_cache",
    "evaluate",
    "ingest",
    "offline_check",
    "partition_job",
    "retention_job",
]
