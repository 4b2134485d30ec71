"""Recent readings of sensors with window rules, kept in this process between ingest batches.

A 3-hour rainfall rule needs three hours of readings at every batch; reading them back from the
database each time costs more than storing the batch. So each process keeps the tail of those series
in memory, and trusts it only while the sensor's `revision` in the database (incremented by every
ingest that touches the sensor, in any process) is the one the cache was built at. Another process's
ingest — the MQTT subscriber beside the web workers — therefore just makes the next batch read the
window from the database again.
"""

import threading

import numpy as np

_lock = threading.Lock()
_entries: dict[int, tuple[int, float, np.ndarray, np.ndarray]] = {}  # sid → (revision, covers_from, t, v)
MAX_SENSORS = 20_000


def get(sensor_id: int, revision: int, since: float):
    """(t, v, covers_from) if the cache holds this sensor at `revision` from `since` on; else None."""
    with _lock:
        entry = _entries.get(sensor_id)
    if entry is None or entry[0] != revision or entry[1] > since:
        return None
    return entry[2], entry[3], entry[1]


def put(sensor_id: int, revision: int, covers_from: float, t: np.ndarray, v: np.ndarray, keep_seconds: float):
    """Remember the series (sorted by t) at `revision`, trimmed to the last `keep_seconds`."""
    if len(t) and t[0] < t[-1] - keep_seconds:
        horizon = float(t[-1] - keep_seconds)
        cut = np.searchsorted(t, horizon, side="left")
        t, v = t[cut:], v[cut:]
        covers_from = max(covers_from, horizon)
    with _lock:
        if len(_entries) >= MAX_SENSORS and sensor_id not in _entries:
            _entries.pop(next(iter(_entries)))
        _entries[sensor_id] = (revision, covers_from, t, v)


def drop(sensor_ids) -> None:
    with _lock:
        for sid in sensor_ids:
            _entries.pop(sid, None)


def clear() -> None:
    with _lock:
        _entries.clear()
