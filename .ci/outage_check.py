"""Stop PostgreSQL under load and check what users see: every answer during the outage is
the site's 503 page (or /healthz's 503), none is a bare 500, and the site recovers by itself
once the database is back. Run by .ci/run. It uses a PostgreSQL 15 cluster of its own
("outage", port 5433, made on first use), so that stopping it disturbs nothing else.

    python3 -m uv run python .ci/outage_check.py
"""

import http.client
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = 8765
CLUSTER, CLUSTER_PORT = "outage", "5433"
DATABASE_URL = f"postgres://tracker:tracker@127.0.0.1:{CLUSTER_PORT}/tracker_outage"
PATHS = ["/", "/meetings/", "/healthz"]
LOAD_SECONDS, STOP_AT, OUTAGE_SECONDS = 24, 5, 8
SERVER_LOG = Path("/tmp/outage_check_server.log")  # one traceback per refused request
RECOVERY_LIMIT = 5.0  # seconds after the database is back by which every answer is 200
OUTAGE_PHRASES = ("The tracker is briefly unavailable", '"database": "unavailable"')

ENV = {
    **os.environ,
    "DATABASE_URL": DATABASE_URL,
    "SECRET_KEY": "outage-check-" + "k9Qx2Lm7Vr4Tz8Wn1Bc6Hd3Jf0Ps5Ya" * 2,
    "DEBUG": "false",
    "SECURE_COOKIES": "false",
    "STATIC_FROM_SOURCE": "true",
}


def sh(*command, **options):
    return subprocess.run(command, check=True, cwd=ROOT, **options)


def as_postgres(*command):
    sh("runuser", "-u", "postgres", "--", *command, stdout=subprocess.DEVNULL)


def prepare_database():
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True).stdout
    if not any(line.split()[:2] == ["15", CLUSTER] for line in clusters.splitlines()):
        sh("pg_createcluster", "15", CLUSTER, "-p", CLUSTER_PORT, stdout=subprocess.DEVNULL)
    subprocess.run(["pg_ctlcluster", "15", CLUSTER, "start"], capture_output=True)
    psql = ["psql", "-p", CLUSTER_PORT, "-q", "-v", "ON_ERROR_STOP=1", "-c"]
    as_postgres(*psql, "DROP DATABASE IF EXISTS tracker_outage")
    as_postgres(*psql, "DROP ROLE IF EXISTS tracker")
    as_postgres(*psql, "CREATE ROLE tracker LOGIN PASSWORD 'tracker'")
    as_postgres(*psql, "CREATE DATABASE tracker_outage OWNER tracker")
    manage = [sys.executable, "manage.py"]
    sh(*manage, "migrate", "--noinput", "-v0", env=ENV)
    sh(*manage, "load_reference", env=ENV, stdout=subprocess.DEVNULL)


def start_server():
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bali_followup.wsgi", "--bind", f"127.0.0.1:{PORT}",
         "--workers", "2", "--log-level", "warning"],
        cwd=ROOT, env=ENV, stderr=SERVER_LOG.open("w"),
    )  # fmt: skip
    for _ in range(100):
        try:
            if get("/healthz")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def get(path):
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")
    finally:
        connection.close()


def load(start, deadline, answers, lock):
    index = 0
    while time.monotonic() < deadline:
        path = PATHS[index % len(PATHS)]
        index += 1
        try:
            status, body = get(path)
        except OSError as error:
            status, body = f"no answer ({type(error).__name__})", ""
        with lock:
            answers.append((time.monotonic() - start, path, status, body))


def main():
    prepare_database()
    server = start_server()
    answers, lock = [], threading.Lock()
    start = time.monotonic()
    threads = [
        threading.Thread(target=load, args=(start, start + LOAD_SECONDS, answers, lock))
        for _ in range(4)
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(STOP_AT)
        sh("pg_ctlcluster", "15", CLUSTER, "stop", "-m", "fast")
        stopped_at = time.monotonic() - start
        time.sleep(OUTAGE_SECONDS)
        sh("pg_ctlcluster", "15", CLUSTER, "start")
        back_at = time.monotonic() - start
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
        subprocess.run(["pg_ctlcluster", "15", CLUSTER, "stop"], capture_output=True)
    report(answers, stopped_at, back_at)


def report(answers, stopped_at, back_at):
    statuses = Counter(status for _, _, status, _ in answers)
    bare = [a for a in answers if a[2] == 503 and not any(p in a[3] for p in OUTAGE_PHRASES)]
    wrong = [a for a in answers if a[2] not in (200, 503)]
    outage = [a for a in answers if a[2] == 503]
    late = [a for a in answers if a[0] > back_at + RECOVERY_LIMIT and a[2] != 200]
    last_503 = max((t for t, _, status, _ in answers if status == 503), default=None)
    print(f"{len(answers)} requests: {dict(statuses)}; database stopped at {stopped_at:.1f} s, "
          f"started again by {back_at:.1f} s (pg_ctlcluster returns once it accepts "
          f"connections); last 503 at {last_503 and round(last_503, 1)} s; server log: "
          f"{SERVER_LOG}")  # fmt: skip
    problems = []
    if not outage:
        problems.append("no 503 at all: the outage was not seen")
    if wrong:
        problems.append(f"{len(wrong)} answers neither 200 nor 503, e.g. {wrong[:3]}")
    if bare:
        problems.append(f"{len(bare)} 503s without the site's page, e.g. {bare[0][:3]}")
    if late:
        problems.append(f"{len(late)} failures more than {RECOVERY_LIMIT} s after the restart")
    if problems:
        raise SystemExit("Outage check failed:\n- " + "\n- ".join(problems))
    print("Outage check passed.")


if __name__ == "__main__":
    main()
