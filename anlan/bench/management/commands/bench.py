"""`anlan bench NAME …`: run a benchmark; progress on stderr, one JSON object as the last stdout line."""

import json

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "运行基准测试：anlan bench nearest --resources 10000 --queries 500；anlan bench ingest --readings 200000"

    def add_arguments(self, parser):
        parser.add_argument(
            "name", choices=["nearest", "ingest", "warnings", "import", "situation", "layers", "api", "lists"]
        )
        parser.add_argument("--recipients", type=int, default=1_000_000)
        parser.add_argument("--readings", type=int, default=200_000)
        parser.add_argument("--batch", type=int, default=100_000, help="ingest: readings per batch")
        parser.add_argument(
            "--existing", type=int, default=0, help="ingest, PostgreSQL: readings already in the table (past year)"
        )
        parser.add_argument("--resources", type=int, default=10_000)
        parser.add_argument("--queries", type=int, default=500)
        parser.add_argument("--k", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--rows", type=int, default=50_000, help="import: persons in the workbook")
        parser.add_argument("--points", type=int, default=20_000, help="layers, api: points in the measured layer")
        parser.add_argument("--clients", type=int, default=8, help="api: concurrent clients")
        parser.add_argument("--seconds", type=float, default=10.0, help="api: seconds per endpoint")
        parser.add_argument("--workers", type=int, default=4, help="api: web processes (gunicorn)")
        parser.add_argument("--threads", type=int, default=4, help="api: threads per web process")
        parser.add_argument(
            "--township", action="store_true", help="lists: as a township operator (default: a county operator)"
        )

    def handle(self, *args, **o):
        if o["name"] == "nearest":
            from anlan.bench.nearest import run

            if o["resources"] < o["k"] or o["queries"] < 1:
                raise CommandError("resources 须不少于 k，queries 须为正数")
            result = run(o["resources"], o["queries"], k=o["k"], seed=o["seed"])
        elif o["name"] == "ingest":
            from anlan.bench.ingest import run

            if o["readings"] < 1 or o["existing"] < 0:
                raise CommandError("readings 须为正数，existing 不能为负数")
            result = run(o["readings"], seed=o["seed"], batch=o["batch"], existing=o["existing"])
        elif o["name"] == "warnings":
            from anlan.bench.warnings import run

            if o["recipients"] < 1:
                raise CommandError("recipients 须为正数")
            result = run(o["recipients"])
        elif o["name"] == "import":
            from anlan.bench.imports import run

            if o["rows"] < 1:
                raise CommandError("rows 须为正数")
            result = run(o["rows"])
        elif o["name"] == "situation":
            from anlan.bench.situation import run

            if o["queries"] < 1:
                raise CommandError("queries 须为正数")
            result = run(o["queries"])
        elif o["name"] == "lists":
            from anlan.bench.lists import run

            if o["queries"] < 1:
                raise CommandError("queries 须为正数")
            result = run(o["queries"], township=o["township"])
        elif o["name"] == "layers":
            from anlan.bench.layers import run

            if o["points"] < 1 or o["queries"] < 1:
                raise CommandError("points 与 queries 须为正数")
            result = run(o["points"], min(o["queries"], 200), seed=o["seed"])
        elif o["name"] == "api":
            from anlan.bench.api import run

            if min(o["clients"], o["workers"], o["threads"], o["points"]) < 1 or o["seconds"] <= 0:
                raise CommandError("clients、workers、threads、points、seconds 须为正数")
            result = run(
                clients=o["clients"],
                seconds=o["seconds"],
                workers=o["workers"],
                threads=o["threads"],
                points=o["points"],
                seed=o["seed"],
            )
        self.stdout.write(json.dumps(result, ensure_ascii=False))
