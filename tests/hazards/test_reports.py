"""Statistics, the 隐患台账 Excel, the 整改通知书 Word document, and overdue notices to superiors."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from docx import Document

from anlan.core.models import AuditEntry
from anlan.hazards import services
from anlan.hazards.models import HiddenHazard
from anlan.inbox.models import Notification
from anlan.testing.helpers import count_queries, read_xlsx
from anlan.testing.personas import persona


def new_hazard(region, *, level="general", days=5, title="楼梯扶手松动", **extra):
    """A hazard due in `days`; a negative number is a deadline that has passed since it was set (a deadline
    cannot be set in the past, so it is set today and time is wound back)."""
    today = timezone.localdate()
    deadline = today + dt.timedelta(days=days)
    hazard = HiddenHazard(
        title=title,
        description="三楼楼梯扶手松动",
        level=level,
        region=region,
        deadline=max(deadline, today),
        **extra,
    )
    hazard = services.hazard_report(actor=persona("village_grid_worker"), hazard=hazard)
    if deadline < today:
        HiddenHazard.objects.filter(pk=hazard.pk).update(deadline=deadline)
        hazard.refresh_from_db()
    return hazard


def close(hazard, who="township_officer"):
    services.hazard_transition(
        actor=persona(who),
        hazard=hazard,
        action="assign",
        responsible="张三",
        supervising_unit="县政府",
        supervising_leader="县长",
    )
    services.hazard_transition(actor=persona("village_grid_worker"), hazard=hazard, action="submit", measures="加固")
    services.hazard_transition(actor=persona(who), hazard=hazard, action="verify")


@pytest.mark.django_db
def test_statistics_count_closure_rate_and_overdue_per_township(client, tree):
    user = persona("township_officer")
    from anlan.hazards.stats import hazard_statistics

    before = {line.label: line for line in hazard_statistics(user)["乡镇（街道）"]}.get(tree.township.name)
    base = (before.total, before.closed, before.overdue) if before else (0, 0, 0)
    close(new_hazard(tree.village))
    new_hazard(tree.village, days=-3)  # overdue
    new_hazard(tree.village)
    lines = {line.label: line for line in hazard_statistics(user)["乡镇（街道）"]}
    mine = lines[tree.township.name]
    assert (mine.total, mine.closed, mine.overdue) == (base[0] + 3, base[1] + 1, base[2] + 1)
    assert mine.closure_rate == f"{mine.closed / mine.total:.1%}"
    assert set(lines) == {tree.township.name, "合计"}  # another township's hazards are out of scope
    client.force_login(user)
    with count_queries() as queries:
        page = client.get("/hazards/stats/")
    assert page.status_code == 200 and "销号率" in page.content.decode() and len(queries) < 20
    book = client.get("/hazards/stats/", {"export": "xlsx"}).content
    rows = read_xlsx(book)
    assert rows[0][:5] == ["乡镇（街道）", "隐患总数", "重大隐患", "已销号", "销号率"]


@pytest.mark.django_db
def test_ledger_export_lists_the_hazards_in_scope_with_names(client, tree):
    new_hazard(tree.village, title="台账测试隐患")
    new_hazard(tree.other_village, title="别处的隐患")
    client.force_login(persona("township_officer"))
    rows = read_xlsx(client.get("/hazards/hiddenhazard/", {"export": "xlsx"}).content)
    header = rows[0]
    assert {"隐患名称", "隐患等级", "状态", "所属区划", "整改期限", "整改责任人"} <= set(header)
    titles = [r[header.index("隐患名称")] for r in rows[1:]]
    assert "台账测试隐患" in titles and "别处的隐患" not in titles
    row = rows[1 + titles.index("台账测试隐患")]
    # A village with its township: village names repeat across a county's townships.
    assert row[header.index("所属区划")] == f"{tree.township.name} {tree.village.name}"
    assert row[header.index("状态")] == "已上报"


@pytest.mark.django_db
def test_rectification_notice_is_a_word_document_in_the_customary_layout(client, tree):
    hazard = new_hazard(tree.village, level="major", title="尾矿库排洪设施堵塞")
    services.hazard_transition(
        actor=persona("county_operator"),
        hazard=hazard,
        action="assign",
        responsible="王矿长",
        supervising_unit="巫山县安委会",
        supervising_leader="李副县长",
        measures="清淤疏通",
    )
    client.force_login(persona("township_officer"))
    response = client.get(f"/hazards/{hazard.pk}/notice.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for row in doc.tables[0].rows for c in row.cells]
    assert text.startswith("安全隐患整改通知书") and f"巫山应急隐改〔{hazard.created_at:%Y}〕{hazard.pk}号" in text
    assert "挂牌督办" in text and "巫山县安委会" in text and "李副县长" in text
    assert "巫山县应急管理局" in text and "签收" in text
    assert "尾矿库排洪设施堵塞" in cells and "清淤疏通" in cells and "王矿长" in cells
    assert AuditEntry.objects.filter(action="hazard_notice", object_id=str(hazard.pk)).exists()
    client.force_login(persona("village_grid_worker"))
    assert client.get(f"/hazards/{hazard.pk}/notice.docx").status_code == 403
    client.force_login(persona("other_township_officer"))
    assert client.get(f"/hazards/{hazard.pk}/notice.docx").status_code == 404


@pytest.mark.django_db
def test_overdue_job_notifies_the_superiors_once(tree):
    general = new_hazard(tree.village, days=-1, title="逾期一般隐患")
    major = new_hazard(tree.village, days=-1, level="major", title="逾期重大隐患")
    newly = services.overdue_mark()
    assert {general.pk, major.pk} <= {h.pk for h in newly}
    officer, other, county = persona("township_officer"), persona("other_township_officer"), persona("county_operator")
    mine = Notification.objects.filter(recipient=officer, category="hazard_overdue")
    assert {"逾期一般隐患", "逾期重大隐患"} <= {n.title.split("：")[1].split("（")[0] for n in mine}
    assert not Notification.objects.filter(recipient=other, title__contains="逾期一般隐患").exists()
    county_titles = list(Notification.objects.filter(recipient=county).values_list("title", flat=True))
    assert any("逾期重大隐患" in t for t in county_titles) and not any("逾期一般隐患" in t for t in county_titles)
    count = Notification.objects.count()
    services.overdue_mark()
    assert Notification.objects.count() == count  # the job may run twice a day without repeating itself
    link = mine.get(title__contains="逾期一般隐患").link
    assert link == f"/hazards/{general.pk}/handle/"
