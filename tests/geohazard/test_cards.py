"""避险明白卡: every field of §21.5 on each household's card, phones in full only for the roles that issue
cards, one Word document per site, and the QR link: it opens the household's transfer record without login,
and a forged token is refused."""

import io

import pytest
from django.core import signing
from docx import Document

from anlan.disasters import transfer
from anlan.geohazard import cards, services
from anlan.resources.models import Shelter
from anlan.testing.personas import persona

from .helpers import household, site

pytestmark = pytest.mark.django_db


@pytest.fixture
def card_site(tree):
    from anlan.registry.models import Person

    shelter = Shelter.objects.filter(region__pk__startswith=tree.county.code[:6]).first()
    s = site(
        tree.village,
        "T-C-1",
        warning_signal="鸣锣三声、村广播",
        evacuation_route="沿村道向东 500 米至村委会",
        shelter=shelter,
    )
    monitor = Person.objects.create(name="李监测", region=tree.village, phone="13700001111")
    s.monitors.add(monitor)
    guardian = persona("village_grid_worker")
    guardian.display_name, guardian.phone = "赵包保", "13600002222"
    guardian.save()
    household(s, head="王守田", people=4, guardian=guardian, address="一组 12 号")
    household(s, head="陈二妹", people=2, vulnerable=1, vulnerable_note="卧床老人", guardian=guardian)
    return s


def test_each_card_has_every_field_and_the_issuer_prints_full_phones(client, card_site, django_assert_max_num_queries):
    client.force_login(persona("township_officer"))
    with django_assert_max_num_queries(30):
        page = client.get(f"/geohazard/sites/{card_site.pk}/cards/").content.decode()
    assert page.count('class="geo-card"') == 2
    for label in (
        "户主",
        "家庭人数",
        "隐患点",
        "威胁范围",
        "预警信号",
        "撤离路线",
        "避险场所",
        "包保责任人",
        "监测人",
        "应急电话",
    ):
        assert f"<th>{label}</th>" in page
    assert "鸣锣三声" in page and "沿村道向东" in page and card_site.shelter.name in page
    assert "13600002222" in page and "13700001111" in page  # the township hands the cards out
    assert "（未填写）" not in page and "卧床老人" in page
    rows = cards.card_rows(card_site, cards.households_of(card_site), persona("township_officer"))
    assert all(r["complete"] for r in rows)


def test_a_village_worker_prints_masked_phones_with_the_reason(client, card_site):
    client.force_login(persona("village_grid_worker"))
    page = client.get(f"/geohazard/sites/{card_site.pk}/cards/").content.decode()
    assert "136****2222" in page and "13600002222" not in page
    assert "电话已隐去" in page


def test_a_card_missing_a_field_says_which(client, tree):
    s = site(tree.village, "T-C-2")
    household(s, head="孙不全")
    client.force_login(persona("county_operator"))
    page = client.get(f"/geohazard/sites/{s.pk}/cards/").content.decode()
    assert "孙不全户的明白卡缺少：预警信号、撤离路线、避险场所、包保责任人、监测人" in page


def test_the_word_document_has_one_card_per_household(client, card_site):
    client.force_login(persona("county_operator"))
    response = client.get(f"/geohazard/sites/{card_site.pk}/cards.docx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(response.content))
    assert len(doc.tables) == 2 and len(doc.inline_shapes) == 2  # a table and a QR code per household
    text = "\n".join(cell.text for table in doc.tables for row in table.rows for cell in row.cells)
    assert "王守田" in text and "陈二妹" in text and "鸣锣三声" in text and "13600002222" in text
    assert abs(doc.sections[0].page_width.cm - 14.8) < 0.01  # A5


def test_the_qr_opens_the_households_transfer_record_and_a_forged_token_is_refused(client, card_site):
    home = card_site.households.get(head_name="王守田")
    url = services.card_path(home)
    page = client.get(url).content.decode()  # no login
    assert "当前无转移行动" in page and "沿村道向东" in page and "王*田" in page
    assert "13600002222" not in page and "136****2222" not in page  # no phone on a public page
    county = persona("county_operator")
    activation, _ = transfer.open_activation(actor=county, site=card_site, source="manual", reason="暴雨红色预警")
    transfer.mark(actor=county, activation=activation, household=home, state="transferred")
    page = client.get(url).content.decode()
    assert "转移行动进行中" in page and "已转移" in page and "暴雨红色预警" in page
    # Another household's card shows its own state, not this one's.
    other = client.get(services.card_path(card_site.households.get(head_name="陈二妹"))).content.decode()
    assert "尚未转移" in other
    forged = signing.Signer(salt="another.salt").sign(str(home.pk))
    assert client.get(f"/p/geohazard/card/{forged}/").status_code == 404
    assert client.get(f"/p/geohazard/card/{home.pk}/").status_code == 404
    token = services.card_token(home)
    assert client.get(f"/p/geohazard/card/{token[:-1]}x/").status_code == 404
