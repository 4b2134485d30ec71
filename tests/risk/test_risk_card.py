"""The printed 风险告知卡: its QR code sits inside the card, and staff are told before printing when the QR
code points at the address they happen to use (ANLAN_PUBLIC_URL unset), which a phone at the site cannot
open. The notice is never on the printed card."""

import re

import pytest

from anlan.risk import services
from anlan.testing.personas import persona
from tests.risk.test_risk_points import make_point


@pytest.mark.django_db
def test_without_a_public_address_staff_are_told_the_qr_code_is_local(client, tree, settings):
    point = make_point(tree.village)
    services.assess(actor=persona("township_officer"), point=point, method="lec", L=6, E=6, C=15)
    settings.ANLAN_PUBLIC_URL = ""
    client.force_login(persona("township_officer"))
    card = client.get(f"/risk/riskpoint/{point.pk}/card/").content.decode()
    notice = re.search(r'<div class="flash error no-print" id="qr-local"[^>]*>(.*?)</div>', card, re.S)
    assert notice and "ANLAN_PUBLIC_URL" in notice.group(1)
    assert f"http://testserver/p/risk/{point.public_token}/" in notice.group(1)
    article = re.search(r"<article.*?</article>", card, re.S).group(0)
    assert "<svg" in article and "扫码查看本告知卡" in article  # the QR code is part of the card
    assert "qr-local" not in article

    settings.ANLAN_PUBLIC_URL = "https://yjj.example.gov.cn"
    card = client.get(f"/risk/riskpoint/{point.pk}/card/").content.decode()
    assert 'id="qr-local"' not in card

    client.logout()
    public = client.get(f"/p/risk/{point.public_token}/").content.decode()
    assert "<svg" not in public and "扫码查看" not in public  # the page the QR opens needs no QR
