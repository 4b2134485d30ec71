"""MQTT ingest: topic `anlan/readings/<sensor code>`, payload `{"ts", "value"}` or a list of them.

Nothing the broker delivered is lost: the subscriber keeps a persistent session (clean_session off,
a fixed client id) with QoS 1, so the broker queues readings while it is away, and it acknowledges a
message only after the batch holding it is committed (paho's manual_ack). A bad payload is answered on
`anlan/readings-rejected/<sensor code>` with the reasons and acknowledged; it never stops the loop.
paho reconnects by itself after a broker restart.
"""

import json
import logging
import queue
import threading
import time
from urllib.parse import urlparse

from django.conf import settings
from django.db import close_old_connections, connections

from anlan.core import safejson
from anlan.core.embedded import EmbeddedService, register_service

log = logging.getLogger(__name__)

TOPIC = "anlan/readings/+"
REJECTED = "anlan/readings-rejected/"


def parse_message(topic: str, payload: bytes) -> tuple[str, list, str | None]:
    """(sensor code, items, error) of one message."""
    code = topic.rsplit("/", 1)[-1]
    try:
        data = json.loads(payload)  # Python's json: devices send NaN, rejected item by item later
    except (UnicodeDecodeError, json.JSONDecodeError):
        return code, [], "载荷不是 JSON"
    except RecursionError:  # deeply nested brackets must not stop the subscriber (issue 12, finding 5)
        return code, [], f"载荷嵌套超过 {safejson.MAX_DEPTH} 层"
    if safejson.depth(data) > safejson.MAX_DEPTH:
        return code, [], f"载荷嵌套超过 {safejson.MAX_DEPTH} 层"
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        return code, [], "载荷应为 {ts, value} 或其数组"
    return code, [{"sensor": code, "ts": d.get("ts"), "value": d.get("value")} for d in data], None


def make_client(client_id: str):
    import paho.mqtt.client as mqtt

    return mqtt.Client(
        callback_api_version=mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=False,
        protocol=mqtt.MQTTv311,
        manual_ack=True,
    )


def run_subscriber(
    stop: threading.Event,
    *,
    url: str | None = None,
    client_id: str = "anlan-ingest",
    batch_seconds: float = 0.2,
    max_batch: int = 5000,
    on_batch=None,
) -> None:
    """Receive readings until `stop` is set, ingesting them in small batches."""
    from .services import ingest

    parsed = urlparse(url or settings.ANLAN_MQTT_URL)
    inbox: queue.Queue = queue.Queue()
    client = make_client(client_id)
    if parsed.username:
        client.username_pw_set(parsed.username, parsed.password)

    def on_connect(client, userdata, flags, reason_code, properties):
        if reason_code.is_failure:
            log.warning("MQTT 连接失败：%s", reason_code)
            return
        client.subscribe(TOPIC, qos=1)

    client.on_connect = on_connect
    client.on_message = lambda client, userdata, message: inbox.put(message)
    client.reconnect_delay_set(min_delay=1, max_delay=10)
    client.connect_async(parsed.hostname or "127.0.0.1", parsed.port or 1883, keepalive=30)
    client.loop_start()
    try:
        while not stop.is_set():
            batch = _drain(inbox, stop, batch_seconds, max_batch)
            # A failed batch (database busy or down) is retried, unacknowledged, until it is stored.
            while batch and not _handle(client, batch, ingest):
                stop.wait(1.0)
                if stop.is_set():
                    return
            if batch and on_batch:
                on_batch(len(batch))
    finally:
        if client.is_connected():
            client.disconnect()
        client.loop_stop()
        connections.close_all()  # this thread's database connections end with it


def _drain(inbox: queue.Queue, stop: threading.Event, seconds: float, most: int) -> list:
    batch, deadline = [], time.monotonic() + seconds
    while len(batch) < most and not stop.is_set():
        try:
            batch.append(inbox.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            break
    return batch


def _handle(client, messages, ingest) -> bool:
    items, owners, bad = [], [], {}
    for message in messages:
        code, parsed, error = parse_message(message.topic, message.payload)
        if error:
            bad.setdefault(code, []).append({"index": 0, "error": error})
        for item in parsed:
            items.append(item)
            owners.append(code)
    try:
        result = ingest(items)
    except Exception:
        log.exception("MQTT 批次入库失败，%d 条消息未确认，稍后重试", len(messages))
        close_old_connections()
        return False
    for rejected in result.rejected:
        bad.setdefault(owners[rejected["index"]], []).append(rejected)
    for code, reasons in bad.items():
        client.publish(REJECTED + code, json.dumps(reasons, ensure_ascii=False), qos=0)
    for message in messages:
        client.ack(message.mid, message.qos)
    close_old_connections()
    return True


register_service(
    EmbeddedService(
        "mqtt-ingest",
        lambda stop: run_subscriber(stop),
        enabled=lambda: bool(settings.ANLAN_MQTT_URL),
        worker=False,  # `anlan mqtt-subscribe` runs it on its own
    )
)
