"""Delivery channels behind one interface: `send(messages) -> {delivery id: error or None}`.

Every message carries its delivery id as an idempotency key, so a gateway that sees the same id twice
(a worker died after sending, before recording it) can drop the repeat; the outbox therefore never loses
a delivery and never makes a recipient's phone ring twice for one.
"""

import base64
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlparse

from django.conf import settings


@dataclass(frozen=True)
class Outgoing:
    delivery_id: int
    address: str  # phone number, e-mail address or user id, by channel
    text: str
    title: str
    link: str = ""
    level: str = ""
    topic: str = ""  # what the notice is about ("warning:12"): its kind becomes the in-app category


class Channel:
    name = ""
    label = ""
    batch_size = 500
    # Which entry of a recipient's addresses (their source's lookup) this channel sends to.
    address_key = ""

    def address(self, addresses: dict[str, str]) -> str:
        return addresses.get(self.address_key or self.name, "")

    def send(self, messages: list[Outgoing]) -> dict[int, str | None]:
        raise NotImplementedError


class GatewayDown(Exception):
    pass


def post_json(url: str, payload: dict) -> dict:
    """POST JSON, return the JSON answer; any failure (network, HTTP status, not JSON) is GatewayDown.
    Only http(s): a robot's webhook address is typed in by people, and urllib would also open file:// and
    ftp:// addresses."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise GatewayDown("地址须以 http:// 或 https:// 开头")
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.ANLAN_GATEWAY_TIMEOUT) as response:
            answer = json.loads(response.read())
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as exc:
        raise GatewayDown(str(getattr(exc, "reason", None) or exc)) from None
    if not isinstance(answer, dict):
        raise GatewayDown("应答不是 JSON 对象")
    return answer


def gateway_send(url: str, messages: list[Outgoing], label: str, extra=None) -> dict[int, str | None]:
    """The gateway protocol shared by SMS, voice and the broadcast platform:
    POST {"messages": [{"id", "to", "text", …}]} → {"results": [{"id", "ok", "error"?}]}."""
    items = [
        {"id": str(m.delivery_id), "to": m.address, "text": m.text, **(extra(m) if extra else {})} for m in messages
    ]
    try:
        results = post_json(url, {"messages": items}).get("results", [])
    except GatewayDown as exc:
        return {m.delivery_id: f"{label}网关不可用：{exc}"[:200] for m in messages}
    by_id = {str(r.get("id")): r for r in results if isinstance(r, dict)} if isinstance(results, list) else {}
    outcome = {}
    for m in messages:
        r = by_id.get(str(m.delivery_id))
        outcome[m.delivery_id] = None if r and r.get("ok") else gateway_reason(label, (r or {}).get("error"))
    return outcome


def gateway_reason(label: str, error) -> str:
    """A gateway's refusal as staff read it on the delivery report: gateways answer with their own codes
    ("E1021", "blacklist"), which alone say nothing, so a code gets the channel and "拒绝" in front; a
    reason the gateway already gave in Chinese is kept as it is."""
    text = str(error or "").strip()
    if not text:
        return f"{label}网关未确认送达"
    if any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text[:200]
    return f"{label}网关拒绝（代码 {text}）"[:200]


class HttpGatewayChannel(Channel):
    """A gateway over HTTP (the bureau's 短信平台 or 智能外呼平台), see gateway_send."""

    setting = ""
    label = ""

    def send(self, messages):
        url = getattr(settings, self.setting)
        if not url:
            return {m.delivery_id: f"未配置{self.label}网关（{self.setting}）" for m in messages}
        return gateway_send(url, messages, self.label)


class SmsChannel(HttpGatewayChannel):
    name, setting, label = "sms", "ANLAN_SMS_URL", "短信"
    address_key = "phone"


class VoiceChannel(HttpGatewayChannel):
    """智能外呼: the gateway reads the text aloud; used when a responsible person has not answered (叫应)."""

    name, setting, label = "voice", "ANLAN_VOICE_URL", "外呼"
    address_key = "phone"
    batch_size = 100


class EmailChannel(Channel):
    """E-mail over SMTP, one connection per batch; the delivery id goes in Message-ID so mail systems can
    drop a repeat."""

    name, label = "email", "邮件"
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


# How many times a loudspeaker repeats a warning, by level: louder levels are repeated more.
BROADCAST_REPEAT = {"red": 3, "orange": 3, "yellow": 2, "blue": 1}


class BroadcastChannel(Channel):
    """应急广播: village loudspeakers read the warning aloud. The address is "<protocol>:<terminal code>":
    HTTP terminals through the broadcast platform's gateway (ANLAN_BROADCAST_URL, the SMS protocol plus
    "repeat"), MQTT terminals by a QoS 1 publish on ANLAN_BROADCAST_TOPIC/<code> whose PUBACK is the
    broker's receipt. Both carry the delivery id, so a terminal that hears one twice plays it once."""

    name, label = "broadcast", "应急广播"
    batch_size = 200

    def send(self, messages):
        by_protocol: dict[str, list[Outgoing]] = {"http": [], "mqtt": []}
        for m in messages:
            protocol, _, code = m.address.partition(":")
            by_protocol.setdefault(protocol, []).append(
                Outgoing(m.delivery_id, code, m.text, m.title, m.link, m.level, m.topic)
            )
        outcome: dict[int, str | None] = {}
        if by_protocol["http"]:
            if settings.ANLAN_BROADCAST_URL:
                outcome.update(
                    gateway_send(
                        settings.ANLAN_BROADCAST_URL,
                        by_protocol["http"],
                        "广播平台",
                        extra=lambda m: {"repeat": BROADCAST_REPEAT.get(m.level, 1)},
                    )
                )
            else:
                outcome.update(dict.fromkeys((m.delivery_id for m in by_protocol["http"]), "未配置广播平台网关"))
        if by_protocol["mqtt"]:
            outcome.update(self._publish(by_protocol["mqtt"]))
        return outcome

    def _publish(self, messages: list[Outgoing]) -> dict[int, str | None]:
        url = settings.ANLAN_BROADCAST_MQTT_URL
        if not url:
            return dict.fromkeys((m.delivery_id for m in messages), "未配置广播 MQTT 服务（ANLAN_BROADCAST_MQTT_URL）")
        import paho.mqtt.client as mqtt

        parsed = urlparse(url)
        client = mqtt.Client(callback_api_version=mqtt.CallbackAPIVersion.VERSION2, protocol=mqtt.MQTTv311)
        if parsed.username:
            client.username_pw_set(parsed.username, parsed.password)
        try:
            client.connect(parsed.hostname or "127.0.0.1", parsed.port or 1883, keepalive=30)
        except OSError as exc:
            return dict.fromkeys((m.delivery_id for m in messages), f"广播 MQTT 服务不可用：{exc}"[:200])
        client.loop_start()
        try:
            pending = []
            for m in messages:
                payload = {
                    "id": str(m.delivery_id),
                    "text": m.text,
                    "level": m.level,
                    "repeat": BROADCAST_REPEAT.get(m.level, 1),
                }
                info = client.publish(
                    f"{settings.ANLAN_BROADCAST_TOPIC}/{m.address}", json.dumps(payload, ensure_ascii=False), qos=1
                )
                pending.append((m.delivery_id, info))
            deadline = time.monotonic() + settings.ANLAN_GATEWAY_TIMEOUT
            outcome = {}
            for delivery_id, info in pending:
                try:
                    info.wait_for_publish(max(deadline - time.monotonic(), 0.01))
                except (RuntimeError, ValueError) as exc:
                    outcome[delivery_id] = f"广播 MQTT 发布失败：{exc}"[:200]
                    continue
                outcome[delivery_id] = None if info.is_published() else "广播 MQTT 服务未确认"
            return outcome
        finally:
            client.disconnect()
            client.loop_stop()


class WebhookChannel(Channel):
    """A work group's robot (企业微信群机器人 / 钉钉自定义机器人). The address is a JSON object
    {"url", "secret", "mentions"} that the group's source reads (the webhook URL is a credential, decrypted
    there only). The robots take no idempotency key: after a worker crash a group may see a message twice,
    so the text carries its number (编号) for readers to tell."""

    batch_size = 50

    def send(self, messages):
        outcome = {}
        for m in messages:
            try:
                group = json.loads(m.address)
            except ValueError:
                group = {}
            if not group.get("active"):
                outcome[m.delivery_id] = "工作群已删除或停用"
                continue
            mobiles = group.get("mentions", [])
            text = f"{m.text}（编号 {m.delivery_id}）"
            try:
                answer = post_json(self.url(group), self.payload(text, mobiles))
            except GatewayDown as exc:
                outcome[m.delivery_id] = f"{self.label}机器人不可用：{exc}"[:200]
                continue
            if answer.get("errcode") == 0:
                outcome[m.delivery_id] = None
            else:
                outcome[m.delivery_id] = f"{self.label}机器人拒绝：{answer.get('errcode')} {answer.get('errmsg')}"[:200]
        return outcome


class WeComChannel(WebhookChannel):
    """企业微信群机器人: {"msgtype": "text", "text": {"content", "mentioned_mobile_list"}} → {"errcode": 0}."""

    name, label = "wecom", "企业微信"

    def url(self, group):
        return group["url"]

    def payload(self, text, mobiles):
        return {"msgtype": "text", "text": {"content": text[:2000], "mentioned_mobile_list": mobiles}}


class DingTalkChannel(WebhookChannel):
    """钉钉自定义机器人: {"msgtype": "text", "text": {"content"}, "at": {"atMobiles"}} → {"errcode": 0}; with
    加签 the URL carries timestamp (ms) and sign = base64(HMAC-SHA256(secret, "timestamp\nsecret"))."""

    name, label = "dingtalk", "钉钉"

    def url(self, group):
        url, secret = group["url"], group.get("secret", "")
        if not secret:
            return url
        timestamp = str(int(time.time() * 1000))
        digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
        sign = urllib.parse.quote_plus(base64.b64encode(digest))
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={timestamp}&sign={sign}"

    def payload(self, text, mobiles):
        # DingTalk highlights an @ only when the number also appears in the text.
        content = text + "".join(f" @{mobile}" for mobile in mobiles)
        return {"msgtype": "text", "text": {"content": content[:2000]}, "at": {"atMobiles": mobiles, "isAtAll": False}}


# Channels by name. Channels that write into an app (the in-app inbox) are registered by that app at
# ready(), like recipient sources, so notify imports none.
CHANNELS: dict[str, Channel] = {}
CHANNEL_LABELS: dict[str, str] = {}


def register_channel(channel: Channel, label: str = "") -> None:
    CHANNELS[channel.name] = channel
    CHANNEL_LABELS[channel.name] = label or channel.label


for _channel, _label in (
    (SmsChannel(), "短信"),
    (VoiceChannel(), "语音外呼"),
    (EmailChannel(), "邮件"),
    (BroadcastChannel(), "应急广播"),
    (WeComChannel(), "企业微信群"),
    (DingTalkChannel(), "钉钉群"),
):
    register_channel(_channel, _label)
