"""Demo 一公开 and credit (issue 17, part 6): the 违法行为信息库 over two years, one enterprise on the
严重失信主体名单 with a pending 信用修复 application, one listing that has expired, and the random-inspection
results older than the publication deadline published (when the inspections part made any).

Runs after the inspections and cases parts; deterministic (seeded). Rows are written in bulk and audited,
as every demo loader does (no user acts in a demo load, so the services' role checks do not apply).
"""

import datetime as dt
import hashlib
import random

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from anlan.core.audit import AuditItem, append
from anlan.core.regioncodes import region_prefix
from anlan.core.services import objects_bulk_create
from anlan.enforcement import credit_rules
from anlan.enforcement.models import CreditListing, CreditRepair, Inspection, ViolationRecord
from anlan.enforcement.services_credit import PUBLISHABLE
from anlan.registry.models import Enterprise

__all__ = ["load"]

SEED = 1706
VIOLATIONS = [
    ("未按规定开展安全生产教育和培训", "责令限期改正，罚款 1.5 万元"),
    ("特种作业人员未持证上岗", "责令限期改正，罚款 2 万元"),
    ("未如实记录安全生产教育和培训情况", "责令限期改正"),
    ("未对重大危险源进行登记建档和定期检测评估", "责令限期改正，罚款 5 万元"),
    ("安全设备未经常性维护保养并定期检测", "责令限期改正，罚款 3 万元"),
    ("未建立事故隐患排查治理制度", "责令限期改正，罚款 2 万元"),
    ("生产经营场所和员工宿舍未设有符合要求的安全出口", "责令限期改正，罚款 1 万元"),
    ("未按规定设置安全生产管理机构或配备安全生产管理人员", "警告，责令限期改正"),
    ("危险物品储存场所未设置明显的安全警示标志", "责令限期改正，罚款 0.8 万元"),
    ("未为从业人员提供符合标准的劳动防护用品", "责令限期改正，罚款 1 万元"),
]


def _decision_pdf(number: str) -> str:
    """A one-page PDF standing in for the scanned decision document; returns its stored name."""
    text = f"Demo decision {number.encode('unicode_escape').decode()}"[:80].replace("(", "[").replace(")", "]")
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return default_storage.save(
        f"enforcement/credit/demo/{hashlib.sha256(number.encode()).hexdigest()[:16]}.pdf", ContentFile(bytes(out))
    )


def load(*, actor, county, townships, departments) -> dict[str, int]:
    rng = random.Random(SEED)
    today = timezone.localdate()
    enterprises = list(Enterprise.objects.filter(region__pk__startswith=region_prefix(county.code)).order_by("pk"))
    if len(enterprises) < 3:
        return {"violation_records": 0, "credit_listings": 0, "credit_repairs": 0, "results_published": 0}
    short = county.name[:2]
    picked = rng.sample(enterprises, min(15, len(enterprises)))

    records = []
    for i, enterprise in enumerate(picked):
        what, penalty = VIOLATIONS[i % len(VIOLATIONS)]
        records.append(
            ViolationRecord(
                enterprise=enterprise,
                happened_on=today - dt.timedelta(days=rng.randint(10, 720)),
                description=what,
                penalty=penalty,
                public=rng.random() > 0.15,
                synthetic=True,
            )
        )
    objects_bulk_create(actor=actor, model=ViolationRecord, instances=records)

    # In force: 瞒报 an accident, listed about 15 months ago, so its 信用修复 application is admissible.
    listed_on = credit_rules.add_months(today, -15)
    number = f"（{short}）应急失信〔{listed_on.year}〕1号"
    current = CreditListing(
        enterprise=picked[0],
        criterion=CreditListing.Criterion.CONCEAL,
        facts="发生一起生产安全事故致 1 人受伤后未按规定上报，经群众举报核实，构成瞒报。",
        decision_number=number,
        listed_on=listed_on,
        ends_on=credit_rules.listing_ends_on(listed_on),
        synthetic=True,
    )
    current.decision_file.name = _decision_pdf(number)
    # Expired: listed more than the term ago, removed on its end day.
    old_on = credit_rules.add_months(today, -12 * credit_rules.credit_term_years() - 2)
    old_number = f"（{short}）应急失信〔{old_on.year}〕1号"
    expired = CreditListing(
        enterprise=picked[1],
        criterion=CreditListing.Criterion.NO_PERMIT,
        facts="未取得安全生产许可证擅自从事危险化学品经营活动。",
        decision_number=old_number,
        listed_on=old_on,
        ends_on=credit_rules.listing_ends_on(old_on),
        status=CreditListing.Status.EXPIRED,
        removed_on=credit_rules.listing_ends_on(old_on),
        synthetic=True,
    )
    listings = objects_bulk_create(actor=actor, model=CreditListing, instances=[current, expired])
    repairs = objects_bulk_create(
        actor=actor,
        model=CreditRepair,
        instances=[
            CreditRepair(
                listing=listings[0],
                applied_on=today - dt.timedelta(days=12),
                reason="已健全事故报告制度，主要负责人和安全管理人员参加培训并考核合格，申请提前移出。",
                synthetic=True,
            )
        ],
    )

    # 一公开: results whose deadline has passed were published within it (a few days after the inspection).
    days = credit_rules.publish_days()
    due = list(
        Inspection.objects.filter(
            kind=Inspection.Kind.RANDOM,
            status__in=PUBLISHABLE,
            published_at__isnull=True,
            inspected_on__lte=today - dt.timedelta(days=days),
            region__pk__startswith=region_prefix(county.code),
        )
        .select_related("enterprise")
        .order_by("pk")
    )
    tz = timezone.get_current_timezone()
    for inspection in due:
        day = inspection.inspected_on + dt.timedelta(days=rng.randint(2, days))
        inspection.published_at = dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz)
    Inspection.objects.bulk_update(due, ["published_at"], batch_size=500)
    append(
        [
            AuditItem(
                "inspection_publish",
                "enforcement.inspection",
                str(i.pk),
                str(i),
                i.region_id,
                None,
                {"published_at": i.published_at.isoformat()},
            )
            for i in due
        ],
        actor=actor,
    )
    return {
        "violation_records": len(records),
        "credit_listings": len(listings),
        "credit_repairs": len(repairs),
        "results_published": len(due),
    }
