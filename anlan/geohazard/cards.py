"""防灾避险明白卡 (standards §21.3, 浙江 Art. 25: hazard location, type, extent and people threatened, 预警信号,
撤离转移路线, 避灾安置场所, 应急联系方式) per household of a site: the card's fields, its QR code (a signed link
to the household's transfer record) and the Word document of a whole site.

Phones on printouts: the card is handed to the household so that it can call its 包保责任人 and the monitor
when the signal sounds — a masked number defeats the card. The roles that issue cards and call people during
a response (core.roles.PHONE_FULL_ROLES: county, department, township) print them in full; any other role
(a village worker, a viewer) gets the numbers masked and a note that the issuing township prints the cards to
hand out. The public page the QR opens never shows a phone number (anyone may scan a card on a wall)."""

import io

import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from anlan.core.documents import OfficialDocument
from anlan.core.masking import mask_phone
from anlan.core.roles import sees_full_phone
from anlan.sites.models import HazardSite, Household

EMERGENCY_NUMBERS = "报警 110 · 火警 119 · 急救 120"
CARD_TITLE = "地质灾害防灾避险明白卡"
# The fields of every card, in print order (§21.3 / 浙江 Art. 25 and the household roster).
FIELDS = (
    ("household", "户主"),
    ("members", "家庭人数"),
    ("address", "住址"),
    ("hazard", "隐患点"),
    ("threat", "威胁范围"),
    ("warning_signal", "预警信号"),
    ("route", "撤离路线"),
    ("shelter", "避险场所"),
    ("guardian", "包保责任人"),
    ("monitors", "监测人"),
    ("emergency", "应急电话"),
)


def _phone(value: str, full: bool) -> str:
    if not value:
        return ""
    return value if full else mask_phone(value)


def households_of(site: HazardSite):
    return (
        Household.objects.filter(site=site, active=True)
        .select_related("guardian", "region")
        .order_by("region_id", "head_name", "pk")
    )


def card_rows(site: HazardSite, households, user) -> list[dict]:
    """One dict per household: {"household": the row, "fields": [(label, text)], "complete": bool}. The site's
    monitors are read once (households and guardians come with `households`)."""
    full = sees_full_phone(user)
    monitors = "；".join(
        f"{p.name}{'（' + _phone(p.phone, full) + '）' if p.phone else ''}" for p in site.monitors.all()
    )
    shelter = site.shelter
    shelter_text = f"{shelter.name}（{shelter.address}）" if shelter else ""
    scale = f"，{site.get_scale_display()}" if site.scale else ""
    hazard = f"{site.name}（{site.get_kind_display()}{scale}），{site.region.name}"
    threat = f"威胁 {site.threatened_households} 户 {site.threatened_people} 人"
    if site.threatened_property:
        threat += f"，财产约 {site.threatened_property} 万元"
    out = []
    for h in households:
        guardian = ""
        if h.guardian_id:
            g = h.guardian
            name = g.display_name or g.username
            guardian = f"{name}{'（' + _phone(g.phone, full) + '）' if g.phone else ''}"
        members = f"{h.people} 人" + (
            f"，其中老弱病残孕 {h.vulnerable} 人（{h.vulnerable_note}）" if h.vulnerable else ""
        )
        values = {
            "household": h.head_name,
            "members": members,
            "address": h.address or h.region.name,
            "hazard": hazard,
            "threat": threat,
            "warning_signal": site.warning_signal,
            "route": site.evacuation_route,
            "shelter": shelter_text,
            "guardian": guardian,
            "monitors": monitors,
            "emergency": EMERGENCY_NUMBERS,
        }
        fields = [(label, values[key]) for key, label in FIELDS]
        missing = [label for label, text in fields if not text]
        if h.guardian_id and not h.guardian.phone:  # a name alone: the household cannot call for help
            missing.append("包保责任人电话")
        out.append({"household": h, "fields": fields, "missing": missing, "complete": not missing})
    return out


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=3, dark="#1b2733")


def qr_png(url: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def _run(paragraph, text: str, size: float, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.name = "仿宋"
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")


def word(site: HazardSite, rows: list[dict], urls: list[str], *, masked: bool) -> bytes:
    """The cards of a whole site in one Word document, one A5 page per household with its QR code."""
    official = OfficialDocument()  # the house's Word kit, its A4 page turned into the card's A5
    doc = official.doc
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(14.8), Cm(21)
    section.top_margin = section.bottom_margin = Cm(1.2)
    section.left_margin = section.right_margin = Cm(1.2)
    for index, (row, url) in enumerate(zip(rows, urls, strict=True)):
        title = doc.add_paragraph()
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(title, CARD_TITLE, 16, bold=True)
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, text in row["fields"]:
            cells = table.add_row().cells
            cells[0].text = cells[1].text = ""
            _run(cells[0].paragraphs[0], label, 10.5, bold=True)
            _run(cells[1].paragraphs[0], text or "（未填写）", 10.5)
            cells[0].width, cells[1].width = Cm(2.6), Cm(9.8)
        picture = doc.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.add_run().add_picture(io.BytesIO(qr_png(url)), width=Cm(3))
        caption = doc.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(caption, "扫码查看本户转移情况" + ("（电话已隐去，发放的卡片由乡镇打印）" if masked else ""), 9)
        if index < len(rows) - 1:
            caption.add_run().add_break(WD_BREAK.PAGE)
    if not rows:
        _run(doc.add_paragraph(), f"{site.name}没有在册的受威胁户。", 12)
    return official.bytes()
