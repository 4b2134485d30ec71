"""An existing database migrates: the outbox rows written by alerts before notify existed (a warning's
deliveries, one with its own text, one still queued; an alarm's SMS) are kept, point at notices that
carry their texts, and the worker can still send the queued ones with the text they would have had.

Runs `anlan migrate` in a separate process on its own SQLite file (the test database is already at the
latest migration)."""

import os
import sqlite3
import subprocess
import sys

SETUP = """
import datetime as dt
from django.db import connection
from django.utils import timezone
from anlan.monitoring.models import Rule, Sensor
now = timezone.now()
with connection.cursor() as c:
    c.execute("INSERT INTO geo_region (code, name, level, parent_id, created_at, updated_at, synthetic, boundary, "
              "center_lon, center_lat) VALUES ('500237000000', '巫山县', 'county', NULL, %s, %s, 0, NULL, NULL, NULL)",
              [now, now])
    c.execute("INSERT INTO alerts_warning (identifier, msg_type, status, event, category, level, urgency, severity, "
              "certainty, headline, description, instruction, measures, region_id, polygon, expires, sent, author, "
              "issuer, created_at, updated_at, synthetic, references_id, template_id, onset) VALUES ('W1', 'Alert', "
              "'issued', '山洪', 'Met', 'red', 'Immediate', 'Extreme', 'Likely', '山洪红色预警', 'd', '立即转移', "
              "'{}', '500237000000', NULL, %s, %s, '', '', %s, %s, 0, NULL, NULL, NULL)",
              [now + dt.timedelta(hours=6), now, now, now])
    sensor = Sensor.objects.create(
        code="S1", name="坡体位移", kind="gnss", unit="mm", region_id="500237000000", lon=109.9, lat=31.1
    )
    rule = Rule.objects.create(sensor=sensor, kind="threshold", red=30)
    # The alarm as the table stood then (SQL: the model has columns added by later migrations, e.g. `exercise`).
    c.execute("INSERT INTO monitoring_alarm (level, status, value, peak_value, opened_at, raised_at, "
              "acknowledged_at, acknowledged_by, closed_at, sensor_id, rule_id) VALUES ('red', 'open', NULL, NULL, "
              "%s, NULL, NULL, '', NULL, %s, %s)", [now, sensor.pk, rule.pk])
    alarm_id = c.lastrowid
    rows = [
        (1, None, 'person:1', '张三', '500237000000', 'county', 'sms', 'sent', ''),
        (1, None, 'resident:7', '李婶', '500237000000', 'resident', 'sms', 'queued', ''),
        (1, None, 'person:1#up:2', '张三', '500237000000', 'county', 'voice', 'queued', '王五未确认收到'),
        (1, None, 'person:4#up:5', '钱七', '500237000000', 'county', 'voice', 'sent', '孙八未确认收到'),
        (None, alarm_id, 'person:3#alarm:red', '赵六', '500237000000', 'village', 'sms', 'sent', '【应急管理局】红报'),
    ]
    for warning, alarm, key, name, region, tier, channel, status, message in rows:
        c.execute("INSERT INTO alerts_delivery (warning_id, alarm_id, recipient_key, recipient_name, region_code, "
                  "tier, channel, status, attempts, next_attempt_at, last_error, message, fallback) VALUES "
                  "(%s, %s, %s, %s, %s, %s, %s, %s, 0, %s, '', %s, '')",
                  [warning, alarm, key, name, region, tier, channel, status, now, message])
"""


def test_an_existing_outbox_migrates_with_its_rows_and_texts(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DATABASE_URL"},
        "ANLAN_DATA_DIR": str(tmp_path),
    }

    def anlan(*args):
        return subprocess.run([sys.executable, "-m", "anlan", *args], env=env, capture_output=True, text=True)

    # The schema as it was before notify.
    for app, migration in (("monitoring", "0001_initial"), ("alerts", "0004_alarm_deliveries")):
        done = anlan("migrate", app, migration, "-v0")
        assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "anlan.sqlite3") as db:
        assert not db.execute("SELECT name FROM sqlite_master WHERE name = 'notify_delivery'").fetchall()
    setup = anlan("shell", "-c", SETUP)
    assert setup.returncode == 0, setup.stderr

    done = anlan("migrate", "-v0")
    assert done.returncode == 0, done.stderr

    with sqlite3.connect(tmp_path / "anlan.sqlite3") as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "notify_delivery" in tables and "alerts_delivery" not in tables
        assert "notify_channelbudget" in tables and "alerts_channelbudget" not in tables
        rows = db.execute(
            "SELECT d.recipient_key, d.status, n.topic, t.text FROM notify_delivery d "
            "JOIN notify_notice n ON n.id = d.notice_id "
            "LEFT JOIN notify_noticetext t ON t.notice_id = n.id AND t.key = d.variant ORDER BY d.id"
        ).fetchall()
    by_key = {key: (status, topic, text) for key, status, topic, text in rows}
    assert len(rows) == 5
    assert by_key["person:1"][:2] == ("sent", "warning:1")
    # The queued resident keeps the text it would have been composed with; the escalation its own.
    assert by_key["resident:7"][1] == "warning:1" and "立即转移" in by_key["resident:7"][2]
    assert by_key["person:1#up:2"][2] == "王五未确认收到"
    assert by_key["person:4#up:5"] == ("sent", "warning:1", "孙八未确认收到")  # what was sent stays exact
    assert by_key["person:3#alarm:red"][1:] == ("alarm:1:red", "【应急管理局】红报")
