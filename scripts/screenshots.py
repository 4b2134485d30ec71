"""Screenshots of the pages people meet first, at a desktop (1440×900) and a phone (390×844) size.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--data-dir DIR]

It builds its own demo county in a temporary data directory (the test personas, one per role, and the
storm exercise of `anlan scenario`, which leaves an incident to show), serves it with `anlan serve` on a
free loopback port, and drives Debian's Chromium through Playwright: it logs in as each role through the
real login form (the county administrator with its authenticator's current code) and writes
<page>-<width>.png into --out. `--data-dir DIR` keeps the data directory (built on the first run, reused
afterwards), which saves the minute the demo county takes to load. Nothing outside this machine is used.

The pictures (docs/screenshots/README.md lists them):
  home-*      工作台 of the county administrator
  map-*       一张图 of the county operator: clusters, alarms, warning areas and the incident on top, legend
  map-search-*   the same after a place search flew to a township (phone: the layer panel opened)
  map-command-*  the command map of the storm exercise's incident: township outlines and the legend
  incident-*  the incident workspace of the storm exercise's incident, county operator
  menu-*      the village grid worker's menu: the sidebar on a desktop, the drawer opened on a phone
  screen-*    综合态势 big screen of the county operator at a wall's 1920×1080 and a laptop's 1366×768
  stats-*     隐患统计 with its charts, county operator
  disasters-* 灾情统计报送: the process list and the storm's process page (county operator), its report form,
              the township's return (township officer) and the village worker's phone entry
  relief-*    救灾救助: the demo's 过渡期 programme in 公示 (households, objection, totals), county operator
  relief-township-*  the same programme as the township officer sees it (its own households, 乡审, 异议处理)
  relief-public-390  the public 公示 page of that programme (no login, masked names), on a phone
  transfer-mine-390     我的转移任务 on the phone (the storm warning's lists, partly transferred)
  transfer-board-1440   避险转移: open lists with their rates by township and site, county operator

`--only screen,stats` takes only those pictures (the names above, without the size).
"""

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's anlan and tests, whatever the virtualenv was installed from
CHROMIUM = "/usr/bin/chromium"
SIZES = {"1440": {"width": 1440, "height": 900}, "390": {"width": 390, "height": 844}}
SCREEN_SIZES = {"1920": {"width": 1920, "height": 1080}, "1366": {"width": 1366, "height": 768}}
PHONE_OPTIONS = {"is_mobile": True, "has_touch": True}
PHONE_ONLY = {"390": SIZES["390"]}
DESK_ONLY = {"1440": SIZES["1440"]}
# The personas the page reviews log in as (scripts/screenshots_kpi.py, _flood.py): key in `states` → username.
REVIEW_USERS = {
    "admin": "county_admin",
    "viewer": "viewer",
    "dept": "department_operator",
    "town": "township_officer",
    "village": "village_grid_worker",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_data(data_dir: Path) -> int:
    """Migrate and load the demo county with the personas and one played exercise; the incident's id."""
    os.environ["ANLAN_DATA_DIR"] = str(data_dir)
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anlan.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from anlan.demo.loader import is_loaded, load_demo
    from anlan.demo.scenario import play
    from anlan.testing.personas import create_personas, demo_tree, persona

    call_command("migrate", interactive=False, verbosity=0)
    if not is_loaded():
        print("loading the demo county (about a minute) …", file=sys.stderr)
        load_demo(with_users=False)
        create_personas(demo_tree())
    incident = storm_incident()
    if incident is None:
        print("playing the storm exercise …", file=sys.stderr)
        incident = play(actor=persona("county_operator"), say=lambda line: print(line, file=sys.stderr)).incident.pk
    return incident


def storm_incident() -> int | None:
    """The incident of the storm exercise `prepare_data` plays: opened from its landslide alarm (the demo county's
    own incidents, a forest fire and a landslide, came in by telephone)."""
    from anlan.incidents.models import Incident

    storm = Incident.objects.filter(source=Incident.Source.ALARM, alarm__isnull=False).order_by("-pk")
    return storm.values_list("pk", flat=True).first()


def relief_programme() -> int:
    """The demo's relief programme in 公示 (anlan/demo/disaster_relief.py)."""
    from anlan.disasters.models import ReliefProgramme

    return ReliefProgramme.objects.filter(status="notice").order_by("pk").values_list("pk", flat=True).first()


def start_server(data_dir: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, ANLAN_DATA_DIR=str(data_dir), ANLAN_EMBEDDED_WORKER="false", PYTHONPATH=str(ROOT))
    env.pop("DATABASE_URL", None)
    env.pop("ANLAN_MQTT_URL", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "anlan", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"anlan serve stopped with exit code {server.returncode}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("anlan serve did not answer within 60 s")


def login_state(browser, base_url: str, username: str) -> dict:
    """Log in once through the real form and keep the session cookie, for pages of every size.

    Once, because a TOTP code is accepted only once: a second login in the same 30 s would be refused."""
    from anlan.testing.personas import PASSWORD, otp_code

    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    if "/accounts/login/otp/" in page.url:
        page.fill("input[name=code]", otp_code(username))
        page.click("button[type=submit]")
        page.wait_for_load_state()
    if "/accounts/login/" in page.url:
        raise SystemExit(f"could not log in as {username}: still on {page.url}")
    state = context.storage_state()
    context.close()
    return state


def shoot(
    browser, state: dict, base_url: str, path: str, out: Path, name: str, prepare=None, sizes=None, **browser_options
) -> list[Path]:
    """<name>-<width>.png of `path` at each of `sizes` (default: desktop and phone); `prepare(page, width)` runs
    once the page is loaded; `browser_options` go to each browser context (locale, timezone_id …)."""
    written = []
    for width, viewport in (sizes or SIZES).items():
        options = {**(PHONE_OPTIONS if width == "390" else {}), **browser_options}
        context = browser.new_context(viewport=viewport, device_scale_factor=1, storage_state=state, **options)
        page = context.new_page()
        page.goto(f"{base_url}{path}")
        page.wait_for_load_state("networkidle")
        if prepare:
            prepare(page, width)
        target = out / f"{name}-{width}.png"
        page.screenshot(path=str(target))
        written.append(target)
        context.close()
    return written


def map_ready(page, width):
    page.wait_for_selector("#map[data-ready]", timeout=60_000)
    page.wait_for_timeout(800)  # clusters are laid out in chunks after the data arrives


def map_searched(page, width):
    map_ready(page, width)
    page.fill(".map-search input", "凤家")
    page.click(".map-search-results button")
    page.wait_for_selector("#map[data-flown-to]:not([data-flown-to=''])", timeout=20_000)
    if width == "390":
        page.click(".map-panel .map-box-toggle")
    page.wait_for_timeout(500)


def command_map_ready(page, width):
    page.wait_for_selector("#order-list li", timeout=30_000)
    page.wait_for_selector("#map[data-boundaries]", timeout=30_000)
    page.wait_for_timeout(800)


def screen_ready(page, width):
    page.wait_for_selector("#screen[data-ready='1']", timeout=60_000)
    page.wait_for_selector("#screen-map[data-ready='1']", timeout=60_000)


def charts_ready(page, width):
    page.wait_for_selector(".chart-box[data-ready='1']", timeout=60_000)


def to_objections(page, width):
    page.locator("#objection-list").scroll_into_view_if_needed()


def menu_open(page, width):
    if width == "390":
        page.click("button[data-menu-toggle]")
        page.wait_for_selector("#sidebar.open")


def disaster_pictures(incident: int, operator, township, village) -> dict:
    """灾情统计报送 pages of the storm exercise's disaster process (none when the data predates it)."""
    from django.urls import reverse

    from anlan.disasters.models import DisasterProcess
    from anlan.testing.personas import persona

    process = DisasterProcess.objects.filter(incidents=incident).first()
    if process is None:
        return {}
    own = persona("township_officer").region_id
    hit = process.regions.filter(code=own).exists()
    village_code = persona("village_grid_worker").region_id
    pictures = {
        "disasters": (operator, reverse("disasters:process_list"), None, None),
        "disaster": (operator, reverse("disasters:process_detail", args=[process.pk]), None, None),
        "disaster-report": (operator, reverse("disasters:report_form", args=[process.pk]), None, None),
        "disaster-village-list": (village, reverse("disasters:village_list"), None, None),
    }
    if hit:
        pictures["disaster-township"] = (township, reverse("disasters:return_form", args=[process.pk, own]), None, None)
        pictures["disaster-village"] = (
            village,
            reverse("disasters:village_entry", args=[process.pk, village_code]),
            None,
            None,
        )
    return pictures


def run(
    pictures,
    *,
    doc: str,
    out: Path,
    users: dict[str, str] = REVIEW_USERS,
    setup=None,
    wrap=None,
    browser_options: dict | None = None,
    argv: list[str] | None = None,
) -> int:
    """The command line every screenshot script shares: --out, --data-dir, --only; the demo county (`prepare_data`),
    `anlan serve` on a free loopback port, Chromium, one login per user, the pictures, and the cleanup.

    `pictures(states)` (states: `users`' keys → login state) gives name → (login state or None, path,
    prepare or None, sizes or None): a dict, or (name, picture) pairs from a generator where a picture's path
    follows from the steps before it (the generator resumes once the picture is taken, whether or not --only
    selected it). `setup()` runs on the data before the server starts. `wrap(name)` gives a context manager
    around that picture's shots (data moved for the picture and put back). `doc`: the script's docstring (its
    first paragraph is the --help); `out`: the default --out."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=out)
    parser.add_argument("--data-dir", type=Path, help="keep the demo data here and reuse it on later runs")
    parser.add_argument("--only", help="comma-separated picture names (the script's docstring lists them)")
    args = parser.parse_args(argv)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium package (and fonts-noto-cjk)")
    throwaway = args.data_dir is None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="anlan-screenshots-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        prepare_data(data_dir.resolve())
        if setup is not None:
            setup()
        port = free_port()
        server = start_server(data_dir.resolve(), port)
        base_url = f"http://127.0.0.1:{port}"
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # otp_code reads the database under Playwright's loop
        from playwright.sync_api import sync_playwright

        from tests.ui.conftest import CHROMIUM_ARGS

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                states = {key: login_state(browser, base_url, username) for key, username in users.items()}
                shots = pictures(states)
                only = set(args.only.split(",")) if args.only else None
                for name, (state, path, prepare, sizes) in shots.items() if isinstance(shots, dict) else shots:
                    if only is not None and name not in only:
                        continue
                    with wrap(name) if wrap is not None else contextlib.nullcontext():
                        written += shoot(
                            browser, state, base_url, path, args.out, name, prepare, sizes, **(browser_options or {})
                        )
                browser.close()
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    finally:
        if throwaway:
            shutil.rmtree(data_dir, ignore_errors=True)
    for path in written:
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    return 0


def pictures(states: dict) -> dict:
    """The pictures listed above: name → (login state or None, path, prepare or None, sizes or None)."""
    from django.urls import reverse

    from anlan.disasters.models import DisasterProcess

    admin, operator, village, township = (states[k] for k in ("admin", "operator", "village", "township"))
    incident = storm_incident()
    relief_pk = relief_programme()
    home = reverse("home")
    workspace = reverse("incidents:workspace", args=[incident])
    shots = {
        "home": (admin, home, None, None),
        "map": (operator, reverse("geo:map"), map_ready, None),
        "map-search": (operator, reverse("geo:map"), map_searched, None),
        "map-command": (operator, reverse("incidents:command_map", args=[incident]), command_map_ready, None),
        "incident": (operator, workspace, None, None),
        "menu": (village, home, menu_open, None),
        "screen": (operator, reverse("overview:screen"), screen_ready, SCREEN_SIZES),
        "stats": (operator, reverse("hazards:stats"), charts_ready, None),
        **disaster_pictures(incident, operator, township, village),
        "relief": (operator, reverse("relief:detail", args=[relief_pk]), None, None),
        "relief-township": (township, reverse("relief:detail", args=[relief_pk]), to_objections, None),
        "relief-public": (None, reverse("relief_public:notice", args=[relief_pk]), None, PHONE_ONLY),
        # 避险转移: the phone list of the storm's lists, and the county's board.
        "transfer-mine": (operator, reverse("transfer:my_tasks"), None, PHONE_ONLY),
        "transfer-board": (operator, reverse("transfer:board"), None, DESK_ONLY),
    }
    process = DisasterProcess.objects.order_by("-started_at").values_list("pk", flat=True).first()
    if process is not None:  # the storm's disaster process, once the statistics demo made one
        registers = reverse("disasters:registers", args=[process])
        houses = reverse("disasters:register_list", args=[process, "houses"])
        shots["disaster-registers"] = (operator, registers, charts_ready, None)
        shots["disaster-houses"] = (operator, houses, None, None)
    return shots


def main(argv: list[str] | None = None) -> int:
    users = {
        "admin": "county_admin",
        "operator": "county_operator",
        "village": "village_grid_worker",
        "township": "township_officer",
    }
    return run(pictures, doc=__doc__, out=ROOT / "docs" / "screenshots", users=users, argv=argv)


if __name__ == "__main__":
    sys.exit(main())
