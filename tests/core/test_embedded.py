"""Which background services each command runs: `serve` runs the workers too in the embedded default and
not when told they run elsewhere; `worker` runs the workers and not the MQTT subscriber (it has its own
command)."""

from django.test import override_settings

from anlan.core import embedded


def names(command):
    return {service.name for service in embedded.services_for(command)}


@override_settings(ANLAN_MQTT_URL="mqtt://127.0.0.1:1883", ANLAN_EMBEDDED_WORKER=True)
def test_serve_runs_the_workers_and_the_subscriber_in_the_embedded_default():
    assert names("serve") == {"scheduler", "outbox", "imports", "mqtt-ingest"}
    assert names("worker") == {"scheduler", "outbox", "imports"}


@override_settings(ANLAN_MQTT_URL="mqtt://127.0.0.1:1883", ANLAN_EMBEDDED_WORKER=False)
def test_a_web_only_serve_leaves_the_workers_to_anlan_worker():
    assert names("serve") == {"mqtt-ingest"}
    assert names("worker") == {"scheduler", "outbox", "imports"}


@override_settings(ANLAN_MQTT_URL="")
def test_the_subscriber_runs_only_when_a_broker_is_configured():
    assert "mqtt-ingest" not in names("serve")
