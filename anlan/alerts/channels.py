"""Delivery channels behind one interface: `send(messages) -> {delivery id: error or None}`.

Every message carries its delivery id as an idempotency key, so a gateway that sees the same id twice
(a worker died after sending, before recording it) can drop the repeat; the outbox therefore never loses
a delivery and never makes a recipient's phone ring twice for one.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings

from anlan.inbox.services import Message, notify_many


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    address: str  # phone number, e-mail address or user id, by channel
    text: str
    title: str
    link: str = ""


class Channel:
    name = ""
    batch_size = 500

    def send(self, messages: list[Outgoing]) -> dict[int, str | None]:
        raise NotImplementedError


class HttpGatewayChannel(Channel):
    """A gateway over HTTP (the bureau's 短信平台 or 智能外呼平台): POST {"messages": [{"id", "to", "text"}]} →
    {"results": [{"id", "ok", "error"?}]}."""

    setting = ""
    label = ""

    def send(self, messages):
        url = getattr(settings, self.setting)
        if not url:
            return {m.delivery_id: f"未配置{self.label}网关（{self.setting}）" for m in messages}
        body = json.dumps(
            {"messages": [{"id": str(m.delivery_id), "to": m.address, "text": m.text} for m in messages]},
            ensure_ascii=False,
        ).encode()
        request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=settings.ANLAN_GATEWAY_TIMEOUT) as response:
                results = json.loads(response.read()).get("results", [])
        except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            return {m.delivery_id: f"{self.label}网关不可用：{reason}"[:200] for m in messages}
        by_id = {str(r.get("id")): r for r in results if isinstance(r, dict)}
        outcome = {}
        for m in messages:
            r = by_id.get(str(m.delivery_id))
            outcome[m.delivery_id] = None if r and r.get("ok") else (str((r or {}).get("error") or "网关未确认"))[:200]
        return outcome


class SmsChannel(HttpGatewayChannel):
    name, setting, label = "sms", "ANLAN_SMS_URL", "短信"


class VoiceChannel(HttpGatewayChannel):
    """智能外呼: the gateway reads the text aloud; used when a responsible person has not answered (叫应)."""

    name, setting, label = "voice", "ANLAN_VOICE_URL", "外呼"
    batch_size = 100


class EmailChannel(Channel):
    """E-mail over SMTP, one connection per batch; the delivery id goes in Message-ID so mail systems can
    drop a repeat."""

    name = "email"
    batch_size = 200

    def send(self, messages):
        from django.core.mail import EmailMessage, get_connection

        if not settings.ANLAN_EMAIL_ENABLED:
            return {m.delivery_id: "未启用邮件发送（ANLAN_EMAIL_ENABLED）" for m in messages}
        outcome = {}
        try:
            with get_connection(fail_silently=False) as connection:
                for m in messages:
                    mail = EmailMessage(
                        m.title,
                        m.text,
                        to=[m.address],
                        connection=connection,
                        headers={"Message-ID": f"<delivery-{m.delivery_id}@anlan>"},
                    )
                    try:
                        mail.send()
                        outcome[m.delivery_id] = None
                    except (OSError, ValueError) as exc:  # smtplib errors are OSErrors
                        outcome[m.delivery_id] = f"邮件发送失败：{exc}"[:200]
        except OSError as exc:
            return {m.delivery_id: f"邮件服务器不可用：{exc}"[:200] for m in messages}
        return outcome


class InAppChannel(Channel):
    """站内消息 to platform users (address = user id); idempotent through the inbox's dedupe key."""

    name = "inapp"
    batch_size = 5000

    def send(self, messages):
        notify_many(
            (int(m.address), Message("warning", m.title, m.text, m.link, dedupe_key=f"delivery:{m.delivery_id}"))
            for m in messages
        )
        return {m.delivery_id: None for m in messages}


CHANNELS: dict[str, Channel] = {c.name: c for c in (SmsChannel(), VoiceChannel(), EmailChannel(), InAppChannel())}
