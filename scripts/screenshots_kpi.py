"""Screenshots of every 考核与任务 (kpi) and 培训宣教 (training) page, as each role that uses them, at 1440×900 and
390×844 — for the page review of issue 19 (what a role sees, Chinese labels, no overflow on the phone).

    .venv/bin/python scripts/screenshots_kpi.py [--out DIR] [--data-dir DIR] [--only kpi-board,…]

Same machinery as scripts/screenshots.py (its demo county, `anlan serve` on a loopback port, Debian's Chromium):
it logs in as the county administrator, the county viewer (the 县领导's read-only seat), a department operator, a
township officer and a village grid worker, and opens the public 公示, 科普 and exam-link pages without a login.
Writes <name>-<width>.png into --out (default /tmp/kpi-shots: the review copies a handful into docs/img/).
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from screenshots import CHROMIUM, SIZES, free_port, login_state, prepare_data, shoot, start_server

ROOT = Path(__file__).resolve().parent.parent
PHONE_ONLY = {"390": SIZES["390"]}


def pictures(states: dict) -> dict:
    """name → (login state or None, path, sizes or None), for the pages the demo county has data for."""
    from django.urls import reverse

    from anlan.geo.models import Region
    from anlan.kpi.models import Assessment, AssessmentScheme, DutyList, Indicator, KeyTask
    from anlan.testing.personas import persona
    from anlan.training import services
    from anlan.training.models import Exam, TrainingSession

    admin, viewer, dept, town, village = (states[k] for k in ("admin", "viewer", "dept", "town", "village"))
    own_town = persona("township_officer").region_id
    shots = {
        "kpi-board": (admin, reverse("kpi:indicator_board"), None),
        "kpi-board-viewer": (viewer, reverse("kpi:indicator_board"), None),
        "kpi-board-dept": (dept, reverse("kpi:indicator_board"), None),
        "kpi-board-town": (town, reverse("kpi:indicator_board"), None),
        "kpi-tasks": (admin, reverse("kpi:task_list"), None),
        "kpi-tasks-dept": (dept, reverse("kpi:task_list") + "?mine=1", None),
        "kpi-tasks-town": (town, reverse("kpi:task_list"), None),
        "kpi-assessment": (admin, reverse("kpi:assessment_schemes"), None),
        "kpi-assessment-town": (town, reverse("kpi:assessment_schemes"), None),
        "kpi-duties-town": (town, reverse("kpi:duty_lists"), None),
        "kpi-duties-dept": (dept, reverse("kpi:duty_lists"), None),
        "kpi-public-duty": (None, reverse("duty_public:index"), None),
        "kpi-public-duty-town": (None, reverse("duty_public:board", args=[own_town]), None),
        "training-rates": (admin, reverse("training:rates"), None),
        "training-rates-town": (town, reverse("training:rates"), None),
        "training-trainees-town": (town, "/training/trainee/", None),
        "training-sessions": (admin, "/training/trainingsession/", None),
        "training-certificates": (admin, "/training/certificate/", None),
        "training-questions": (admin, "/training/question/", None),
        "training-exams": (admin, "/training/exam/", None),
        "training-materials": (admin, "/training/material/", None),
        "training-my-exams": (village, reverse("training:my_exams"), PHONE_ONLY),
        "training-kepu": (None, reverse("kepu"), None),
    }
    indicator = Indicator.objects.order_by("order", "pk").first()
    if indicator:
        shots["kpi-indicator"] = (admin, reverse("kpi:indicator_page", args=[indicator.pk]), None)
    task = KeyTask.objects.filter(lead_department=persona("department_operator").department).order_by("pk").first()
    if task:
        shots["kpi-task-dept"] = (dept, reverse("kpi:task_detail", args=[task.pk]), None)
    scheme = AssessmentScheme.objects.order_by("-year", "pk").first()
    if scheme:
        shots["kpi-scheme"] = (admin, reverse("kpi:assessment_scheme", args=[scheme.pk]), None)
    sheet = Assessment.objects.filter(region_id=own_town).order_by("-scheme__year").first()
    if sheet:
        shots["kpi-sheet-town"] = (town, reverse("kpi:assessment_sheet", args=[sheet.pk]), None)
        shots["kpi-sheet"] = (admin, reverse("kpi:assessment_sheet", args=[sheet.pk]), None)
    duty = DutyList.objects.filter(region_id=own_town, department__isnull=True).order_by("pk").first()
    if duty:
        shots["kpi-duty-town"] = (town, reverse("kpi:duty_list", args=[duty.pk]), None)
    session = TrainingSession.objects.order_by("-ends_on").first()
    if session:
        shots["training-attendance"] = (admin, reverse("training:session_attendance", args=[session.pk]), None)
    exam = Exam.objects.order_by("-opens_at").first()
    if exam:
        shots["training-exam-results"] = (admin, reverse("training:exam_results", args=[exam.pk]), None)
        candidate = exam.candidates.order_by("pk").first()
        if candidate:
            shots["training-exam-public"] = (None, services.exam_link(exam, candidate), PHONE_ONLY)
    assert Region.objects.filter(code=own_town).exists()
    return shots


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/kpi-shots"))
    parser.add_argument("--data-dir", type=Path, help="keep the demo data here and reuse it on later runs")
    parser.add_argument("--only", help="comma-separated picture names")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package (and fonts-noto-cjk)")
    throwaway = args.data_dir is None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="anlan-screenshots-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    prepare_data(data_dir.resolve())
    port = free_port()
    server = start_server(data_dir.resolve(), port)
    base_url = f"http://127.0.0.1:{port}"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    from tests.ui.conftest import CHROMIUM_ARGS

    written = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            users = {
                "admin": "county_admin",
                "viewer": "viewer",
                "dept": "department_operator",
                "town": "township_officer",
                "village": "village_grid_worker",
            }
            states = {key: login_state(browser, base_url, name) for key, name in users.items()}
            shots = pictures(states)
            only = set(args.only.split(",")) if args.only else set(shots)
            for name, (state, path, sizes) in shots.items():
                if name in only:
                    written += shoot(browser, state, base_url, path, args.out, name, None, sizes)
            browser.close()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        if throwaway:
            shutil.rmtree(data_dir, ignore_errors=True)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
