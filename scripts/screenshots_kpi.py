"""Screenshots of every 考核与任务 (kpi) and 培训宣教 (training) page, as each role that uses them, at 1440×900 and
390×844 — for the page review of issue 19 (what a role sees, Chinese labels, no overflow on the phone).

    .venv/bin/python scripts/screenshots_kpi.py [--out DIR] [--data-dir DIR] [--only kpi-board,…]

Same machinery as scripts/screenshots.py (its demo county, `anlan serve` on a loopback port, Debian's Chromium):
it logs in as the county administrator, the county viewer (the 县领导's read-only seat), a department operator, a
township officer and a village grid worker, and opens the public 公示, 科普 and exam-link pages without a login.
Writes <name>-<width>.png into --out (default /tmp/kpi-shots: the review copies a handful into docs/img/).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import PHONE_ONLY, run


def pictures(states: dict) -> dict:
    """name → (login state or None, path, prepare, sizes or None), for the pages the demo county has data for."""
    from django.urls import reverse

    from anlan.geo.models import Region
    from anlan.kpi.models import Assessment, AssessmentScheme, DutyList, Indicator, KeyTask
    from anlan.testing.personas import persona
    from anlan.training import services
    from anlan.training.models import Exam, TrainingSession

    admin, viewer, dept, town, village = (states[k] for k in ("admin", "viewer", "dept", "town", "village"))
    own_town = persona("township_officer").region_id
    shots = {
        "kpi-board": (admin, reverse("kpi:indicator_board"), None, None),
        "kpi-board-viewer": (viewer, reverse("kpi:indicator_board"), None, None),
        "kpi-board-dept": (dept, reverse("kpi:indicator_board"), None, None),
        "kpi-board-town": (town, reverse("kpi:indicator_board"), None, None),
        "kpi-tasks": (admin, reverse("kpi:task_list"), None, None),
        "kpi-tasks-dept": (dept, reverse("kpi:task_list") + "?mine=1", None, None),
        "kpi-tasks-town": (town, reverse("kpi:task_list"), None, None),
        "kpi-assessment": (admin, reverse("kpi:assessment_schemes"), None, None),
        "kpi-assessment-town": (town, reverse("kpi:assessment_schemes"), None, None),
        "kpi-duties-town": (town, reverse("kpi:duty_lists"), None, None),
        "kpi-duties-dept": (dept, reverse("kpi:duty_lists"), None, None),
        "kpi-public-duty": (None, reverse("duty_public:index"), None, None),
        "kpi-public-duty-town": (None, reverse("duty_public:board", args=[own_town]), None, None),
        "training-rates": (admin, reverse("training:rates"), None, None),
        "training-rates-town": (town, reverse("training:rates"), None, None),
        "training-trainees-town": (town, "/training/trainee/", None, None),
        "training-sessions": (admin, "/training/trainingsession/", None, None),
        "training-certificates": (admin, "/training/certificate/", None, None),
        "training-questions": (admin, "/training/question/", None, None),
        "training-exams": (admin, "/training/exam/", None, None),
        "training-materials": (admin, "/training/material/", None, None),
        "training-my-exams": (village, reverse("training:my_exams"), None, PHONE_ONLY),
        "training-kepu": (None, reverse("kepu"), None, None),
    }
    indicator = Indicator.objects.order_by("order", "pk").first()
    if indicator:
        shots["kpi-indicator"] = (admin, reverse("kpi:indicator_page", args=[indicator.pk]), None, None)
    task = KeyTask.objects.filter(lead_department=persona("department_operator").department).order_by("pk").first()
    if task:
        shots["kpi-task-dept"] = (dept, reverse("kpi:task_detail", args=[task.pk]), None, None)
    scheme = AssessmentScheme.objects.order_by("-year", "pk").first()
    if scheme:
        shots["kpi-scheme"] = (admin, reverse("kpi:assessment_scheme", args=[scheme.pk]), None, None)
    sheet = Assessment.objects.filter(region_id=own_town).order_by("-scheme__year").first()
    if sheet:
        shots["kpi-sheet-town"] = (town, reverse("kpi:assessment_sheet", args=[sheet.pk]), None, None)
        shots["kpi-sheet"] = (admin, reverse("kpi:assessment_sheet", args=[sheet.pk]), None, None)
    duty = DutyList.objects.filter(region_id=own_town, department__isnull=True).order_by("pk").first()
    if duty:
        shots["kpi-duty-town"] = (town, reverse("kpi:duty_list", args=[duty.pk]), None, None)
    session = TrainingSession.objects.order_by("-ends_on").first()
    if session:
        shots["training-attendance"] = (admin, reverse("training:session_attendance", args=[session.pk]), None, None)
    exam = Exam.objects.order_by("-opens_at").first()
    if exam:
        shots["training-exam-results"] = (admin, reverse("training:exam_results", args=[exam.pk]), None, None)
        candidate = exam.candidates.order_by("pk").first()
        if candidate:
            shots["training-exam-public"] = (None, services.exam_link(exam, candidate), None, PHONE_ONLY)
    assert Region.objects.filter(code=own_town).exists()
    return shots


def main(argv: list[str] | None = None) -> int:
    return run(pictures, doc=__doc__, out=Path("/tmp/kpi-shots"), argv=argv)


if __name__ == "__main__":
    sys.exit(main())
