"""The benchmark: pages, throughput and exports at 10k, 100k and 1M reports, on PostgreSQL.

    python3 -m uv run python bench/run.py            # everything, about 20 minutes here
    python3 -m uv run python bench/run.py --quick    # 10k and 100k only, fewer rounds

It needs the PostgreSQL server of docs/toolchain.md (role `tracker`, allowed to create
databases) and wrk (Debian's package). It makes databases of its own (`bench_followup`,
`bench_wide`), drops them first, and never touches the app's. It serves the app with
gunicorn (2 workers, as the README's production command) and times each page of the
README's table over HTTP, interleaved with the hand-built floor (bench/floor.py) in the
same rounds, so that both see the same machine. Medians, in milliseconds. It prints a
Markdown report and writes it to bench/RESULTS-latest.md (RESULTS.md is the committed copy,
with the discussion).
"""

import argparse
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = 8765
PG = "postgres://tracker:tracker@127.0.0.1:5432/"
SECRET_KEY = "bench-only-Xq7vK2pL9mN4rT8wY3zB6cF1hJ5dG0sA-not-for-any-deployment"
PASSWORD = "bench-password-not-for-use"

# (label, path, who): who is "secretariat", "official" or "anonymous".
PAGES = [
    ("dashboard, logged in", "/", "secretariat"),
    ("dashboard, anonymous", "/", "anonymous"),
    ("matrix", "/matrix/", "secretariat"),
    ("matrix as of 2010-06-30", "/matrix/?as_of=2010-06-30", "secretariat"),
    ("countries", "/countries/", "secretariat"),
    ("country IDN", "/countries/IDN/", "secretariat"),
    ("commitments", "/commitments/", "secretariat"),
    ("commitment 17a", "/commitments/17a/", "secretariat"),
    ("reports", "/reports/", "secretariat"),
    ("reports, current only, by status", "/reports/?current=true&sort=status", "secretariat"),
    ("comment queue", "/comments/", "secretariat"),
    ("one report", "/reports/{report}/", "secretariat"),
    ("workspace", "/my/", "official"),
    ("meetings", "/meetings/", "secretariat"),
    ("ministerial review", "/ministerial-review/", "secretariat"),
    ("handover", "/handover/", "secretariat"),
    ("admin: reports", "/admin/commitments/progressreport/", "superuser"),
    ("admin: report history", "/admin/commitments/progressreport/{report}/history/", "superuser"),
]
FLOOR = ("floor (matrix, one query)", "/bench/floor/", "secretariat")


def environment(database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": PG + database,
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_FROM_SOURCE": "true",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        # The benchmark measures downloads of every report, past the site's limit.
        "EXPORT_MAX_ROWS": "5000000",
    }


def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG + "postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django(database: str) -> None:
    os.environ.update(environment(database))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(database: str) -> dict:
    """Migrate, load the reference data, make the accounts; their session cookies."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.test import Client

    from commitments.models import Official, Participant
    from commitments.roles import SECRETARIAT

    call_command("migrate", verbosity=0)
    call_command("load_reference", verbosity=0)
    secretariat = User.objects.create_user("bench-secretariat", password=PASSWORD, is_staff=True)
    secretariat.groups.add(Group.objects.get(name=SECRETARIAT))
    official = User.objects.create_user("bench-official", password=PASSWORD)
    Official.objects.create(user=official, participant=Participant.objects.get(iso3="IDN"))
    superuser = User.objects.create_superuser("bench-superuser", password=PASSWORD)
    cookies = {"anonymous": ""}
    for who, user in [("secretariat", secretariat), ("official", official),
                      ("superuser", superuser)]:  # fmt: skip
        client = Client()
        client.force_login(user)
        cookies[who] = f"sessionid={client.cookies['sessionid'].value}"
    return {"cookies": cookies, "author": secretariat.pk}


class Server:
    """gunicorn with 2 workers on the benchmark's database; with `cache=False`, a cache that
    keeps nothing (every page built from the database each time)."""

    def __init__(self, database: str, cache: bool = True):
        self.database = database
        self.cache = cache

    def __enter__(self):
        env = environment(self.database)
        if not self.cache:
            env["BENCH_NO_CACHE"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "bali_followup.wsgi", "--workers", "2",
             "--bind", f"127.0.0.1:{PORT}", "--timeout", "600", "--log-level", "warning"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        for _ in range(100):
            try:
                get("/healthz", "")
                return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def get(path: str, cookie: str) -> tuple[int, int, float]:
    """One GET: status, bytes, seconds."""
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    connection.close()
    return response.status, len(body), elapsed


def time_pages(pages, cookies: dict, rounds: int, report_id: int) -> dict:
    """Median milliseconds and bytes of each page, the pages interleaved round by round."""
    samples = {label: [] for label, _, _ in pages}
    sizes = {}
    for round_number in range(rounds + 2):
        for label, path, who in pages:
            status, size, seconds = get(path.format(report=report_id), cookies[who])
            if status != 200:
                raise RuntimeError(f"{label}: {path} answered {status}")
            if round_number >= 2:  # two rounds of warming up
                samples[label].append(seconds * 1000)
            sizes[label] = size
    return {label: (statistics.median(values), sizes[label]) for label, values in samples.items()}


def throughput(path: str, cookie: str, seconds: int = 10) -> float:
    """Requests per second from wrk, 2 threads, 8 connections."""
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{PORT}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"wrk saw errors on {path}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def export_measure(database: str, export_format: str) -> tuple[float, float, int]:
    """The export of every report in a process of its own: seconds, peak RSS in MB, bytes."""
    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "export_one.py"), export_format],
        cwd=ROOT, env=environment(database), stdout=subprocess.PIPE, text=True, check=True,
    ).stdout  # fmt: skip
    seconds, peak_mb, size = output.split()
    return float(seconds), float(peak_mb), int(size)


def status_query_options(rounds: int) -> dict[str, float]:
    """The options for finding every cell's current report, timed in this process (median
    ms): the app's status_matrix() as a whole (its three queries and the model instances),
    its main query alone (one index-backed subquery per commitment), and the LATERAL join of
    the floor (one query, each cell once)."""
    from django.db import connection
    from django.db.models import OuterRef

    from bench.floor import MATRIX_SQL
    from commitments.models import Commitment, Participant
    from commitments.status import latest_report_id, status_matrix

    commitments = list(Commitment.objects.tracked())
    annotations = {
        f"report_{c.pk}": latest_report_id(OuterRef("pk"), c.pk, None) for c in commitments
    }
    subqueries = (
        Participant.objects.tracked().annotate(**annotations).values_list("pk", *annotations)
    )

    def app():
        status_matrix()

    def subqueries_only():
        list(subqueries.all())  # .all(): a new queryset each time, not the cached rows

    def lateral():
        with connection.cursor() as cursor:
            cursor.execute(MATRIX_SQL)
            cursor.fetchall()

    timings = {}
    for label, run_once in [("status_matrix() (3 queries, model instances)", app),
                            ("its main query: a subquery per commitment", subqueries_only),
                            ("LATERAL join, one query", lateral)]:  # fmt: skip
        samples = []
        for _ in range(rounds + 2):
            started = time.perf_counter()
            run_once()
            samples.append((time.perf_counter() - started) * 1000)
        timings[label] = statistics.median(samples[2:])
    return timings


def latest_report_id() -> int:
    from commitments.models import ProgressReport

    return ProgressReport.objects.filter(participant__iso3="IDN").latest("pk").pk


def run(args) -> str:
    when = time.strftime("%Y-%m-%d %H:%M")
    lines = ["# Benchmark run", "", f"{when}, {os.cpu_count()} cores", ""]
    pages_by_size, exports, rates, options_by_size = {}, {}, {}, {}
    recreate_database("bench_followup")
    setup_django("bench_followup")
    accounts = prepare("bench_followup")
    from bench.data import add_reports

    with Server("bench_followup"):
        for size in args.sizes:
            started = time.perf_counter()
            add_reports(size, accounts["author"])
            print(f"{size:,} reports made in {time.perf_counter() - started:.0f} s", flush=True)
            pages_by_size[size] = time_pages(
                [*PAGES, FLOOR], accounts["cookies"], args.rounds, latest_report_id()
            )
            options_by_size[size] = status_query_options(args.rounds)
            if size >= 100_000 and not args.skip_exports:
                for export_format in ("csv", "xlsx"):
                    exports[size, export_format] = export_measure("bench_followup", export_format)
        largest = args.sizes[-1]
        for label, path in [("dashboard, logged in", "/"), ("floor", FLOOR[1])]:
            rates[label] = throughput(path, accounts["cookies"]["secretariat"])
    with Server("bench_followup", cache=False):
        uncached = time_pages([*PAGES, FLOOR], accounts["cookies"], args.rounds, latest_report_id())
        rates["dashboard, logged in, no cache"] = throughput(
            "/", accounts["cookies"]["secretariat"]
        )
    lines += page_table(pages_by_size)
    lines += ["", f"## The same pages at {largest:,} reports with a cache that keeps nothing", ""]
    lines += ["| page | median ms | / floor |", "| --- | --- | --- |"]
    floor_ms = uncached[FLOOR[0]][0]
    lines += [
        f"| {label} | {ms:.1f} | {ms / floor_ms:.1f} |" for label, (ms, _) in uncached.items()
    ]
    lines += ["", "## Finding every cell's current report (in process, median ms)", ""]
    sizes = list(options_by_size)
    lines += ["| option | " + " | ".join(f"{size:,}" for size in sizes) + " |"]
    lines += ["| --- " * (len(sizes) + 1) + "|"]
    for label in options_by_size[sizes[0]]:
        cells = " | ".join(f"{options_by_size[size][label]:.1f}" for size in sizes)
        lines.append(f"| {label} | {cells} |")
    lines += ["", f"## Throughput at {largest:,} reports (wrk, 8 connections, 10 s)", ""]
    lines += ["| page | requests/s |", "| --- | --- |"]
    lines += [f"| {label} | {rate:.1f} |" for label, rate in rates.items()]
    ratio = rates["dashboard, logged in"] / rates["floor"]
    lines += ["", f"Dashboard / floor: {ratio:.0%} (target: at least 40%)"]
    if exports:
        lines += ["", "## Exports of every report (a process of their own)", ""]
        lines += ["| reports | format | seconds | peak RSS (MB) | size (MB) |"]
        lines += ["| --- | --- | --- | --- | --- |"]
        for (size, fmt), (seconds, peak, nbytes) in exports.items():
            lines.append(f"| {size:,} | {fmt} | {seconds:.1f} | {peak:.0f} | {nbytes / 1e6:.1f} |")
    # What is measured so far is kept, whatever happens next.
    (ROOT / "bench" / "RESULTS-latest.md").write_text("\n".join(lines) + "\n")
    if not args.skip_wide:
        lines += ["", *wide_case(args)]
    return "\n".join(lines) + "\n"


def page_table(pages_by_size: dict) -> list[str]:
    sizes = list(pages_by_size)
    first, last = sizes[0], sizes[-1]
    floor = {size: pages_by_size[size][FLOOR[0]][0] for size in sizes}
    lines = ["## Pages (median ms over HTTP; gunicorn, 2 workers)", ""]
    heading = " | ".join(f"{size:,}" for size in sizes)
    lines += [f"| page | {heading} | {last:,} / {first:,} | / floor at {last:,} | KB at {last:,} |"]
    lines += ["| --- " * (len(sizes) + 4) + "|"]
    for label in pages_by_size[first]:
        times = [pages_by_size[size][label][0] for size in sizes]
        cells = " | ".join(f"{t:.1f}" for t in times)
        kilobytes = pages_by_size[last][label][1] / 1024
        lines.append(
            f"| {label} | {cells} | {times[-1] / times[0]:.2f} | "
            f"{times[-1] / floor[last]:.1f} | {kilobytes:.0f} |"
        )
    return lines


def wide_case(args) -> list[str]:
    """200 participants x 20 commitments at 150,000 reports: /countries/ and the matrix."""
    from django.db import connections

    from bench.data import add_reports, widen

    connections.close_all()
    recreate_database("bench_wide")
    connections["default"].settings_dict["NAME"] = "bench_wide"
    accounts = prepare("bench_wide")
    widen(200, 20)
    add_reports(150_000, accounts["author"])
    pages = [p for p in [*PAGES, FLOOR] if p[0] in {"countries", "matrix", "dashboard, logged in",
                                                    FLOOR[0]}]  # fmt: skip
    with Server("bench_wide"):
        timings = time_pages(pages, accounts["cookies"], args.rounds, latest_report_id())
    with Server("bench_wide", cache=False):
        uncached = time_pages(pages, accounts["cookies"], args.rounds, latest_report_id())
    timings.update({f"{label}, no cache": value for label, value in uncached.items()})
    options = status_query_options(args.rounds)
    lines = ["## 200 participants x 20 commitments, 150,000 reports", ""]
    lines += ["| page | median ms | KB |", "| --- | --- | --- |"]
    lines += [
        f"| {label} | {ms:.1f} | {size / 1024:.0f} |" for label, (ms, size) in timings.items()
    ]
    lines += ["", "| finding every cell's current report (in process) | median ms |"]
    lines += ["| --- | --- |"]
    lines += [f"| {label} | {ms:.1f} |" for label, ms in options.items()]
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10k and 100k, 5 rounds")
    parser.add_argument("--skip-exports", action="store_true")
    parser.add_argument("--skip-wide", action="store_true")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    args.sizes = [10_000, 100_000] if args.quick else [10_000, 100_000, 1_000_000]
    if args.quick:
        args.rounds = 5
    report = run(args)
    (ROOT / "bench" / "RESULTS-latest.md").write_text(report)
    print(report)


if __name__ == "__main__":
    main()
