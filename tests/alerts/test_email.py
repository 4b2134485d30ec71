"""E-mail deliveries through a real SMTP conversation with a local aiosmtpd server."""

import socket

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message as MessageHandler

from anlan.alerts.services import deliveries
from anlan.core.testing.personas import persona
from anlan.notify import outbox
from tests.alerts.helpers import issue_warning


class Inbox(MessageHandler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.ANLAN_EMAIL_ENABLED = True
    yield handler
    controller.stop()


@pytest.mark.django_db
def test_users_with_an_address_get_the_warning_by_email(smtp, tree):
    officer = persona("township_officer")
    officer.email = "zhen@example.gov.cn"
    officer.save()
    warning = issue_warning(
        tree,
        regions=[tree.township],
        event="森林火险",
        category="Fire",
        level="orange",
        headline="森林火险橙色预警",
        instruction="严禁野外用火",
    )
    email = deliveries(warning).get(channel="email")
    assert email.recipient_key == f"user:{officer.pk}"
    outbox.process(limit=5000)
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(smtp.messages) == 1
    mail = smtp.messages[0]
    assert mail["To"] == "zhen@example.gov.cn" and mail["Message-ID"] == f"<delivery-{email.pk}@anlan>"
    assert "严禁野外用火" in mail.get_payload(decode=True).decode()


@pytest.mark.django_db
def test_an_unreachable_mail_server_is_retried(settings, tree):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.ANLAN_EMAIL_ENABLED = "127.0.0.1", free_port(), True
    officer = persona("township_officer")
    officer.email = "zhen@example.gov.cn"
    officer.save()
    warning = issue_warning(tree, regions=[tree.township], event="大风", level="blue", headline="大风蓝色预警")
    outbox.process(limit=5000)
    email = deliveries(warning).get(channel="email")
    assert email.status == "queued" and "邮件服务器不可用" in email.last_error and email.attempts == 1
