"""Two app instances behind one PostgreSQL and one Redis serve the same truth. Run by .ci/run.

It starts Debian's redis-server (port 6390, nothing saved to disk) and two gunicorn instances
(ports 8771 and 8772) with REDIS_URL set, then checks, writing through one and reading
through the other at once:

- the session: a login through A is a login on B;
- the data version: B shows the matrix (so it is in the shared cache), an official submits a
  report through A, and B's matrix shows it on the next request;
- the lockout: failed logins through A lock the username on B (django-axes, in the database);
- the password-reset throttle (counted in the cache): 3 emails an hour to one address,
  whichever instance is asked.

    python3 -m uv run python .ci/shared_cache_check.py
"""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REDIS_PORT = 6390
A, B = "http://127.0.0.1:8771", "http://127.0.0.1:8772"
DATABASE = "tracker_shared_cache"
PASSWORD = "a shared-cache check password"
ENV = {
    **os.environ,
    "DATABASE_URL": f"postgres://tracker:tracker@127.0.0.1:5432/{DATABASE}",
    "REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    "SECRET_KEY": "shared-cache-check-" + "p3Lk8Qz1Xv6Mn2Rb7Wc4Ty9Hj0Fd5Sa" * 2,
    "DEBUG": "false",
    "SECURE_COOKIES": "false",
    "STATIC_FROM_SOURCE": "true",
    "TASKS_BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
    "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    "LOG_LEVEL": "WARNING",
}


def sh(*command, **options):
    return subprocess.run(command, check=True, cwd=ROOT, env=ENV, **options)


def manage(*args, **options):
    return sh(sys.executable, "manage.py", *args, **options)


def prepare_database():
    import psycopg

    with psycopg.connect(
        "postgres://tracker:tracker@127.0.0.1:5432/postgres", autocommit=True
    ) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{DATABASE}"')
    manage("migrate", "--noinput", "-v0")
    manage("load_reference", stdout=subprocess.DEVNULL)
    manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from django.contrib.auth.models import User;"
        "from commitments.models import Official, Participant;"
        f"u = User.objects.create_user('official', 'official@example.org', {PASSWORD!r});"
        "Official.objects.create(user=u, participant=Participant.objects.get(iso3='IDN'))",
    )


def start_servers() -> list[subprocess.Popen]:
    servers = []
    for url in (A, B):
        port = url.rsplit(":", 1)[1]
        gunicorn = ["gunicorn", "bali_followup.wsgi", "--workers", "2", "--log-level", "warning"]
        command = [sys.executable, "-m", *gunicorn, "--bind", f"127.0.0.1:{port}"]
        servers.append(subprocess.Popen(command, cwd=ROOT, env=ENV))
    for url in (A, B):
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"{url} did not start")
    return servers


class Browser:
    """One user's cookies, sent to either instance (cookies do not depend on the port)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirects
        )

    def get(self, url) -> tuple[int, str]:
        try:
            with self.opener.open(url, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def post_form(self, url, fields: dict) -> tuple[int, str]:
        """GET the form, then POST it with its hidden fields (CSRF token, form token)."""
        status, page = self.get(url)
        assert status == 200, (url, status)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
        data = urllib.parse.urlencode({**hidden, **fields}).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(condition: bool, what: str) -> None:
    print(("ok  " if condition else "FAIL") + f"  {what}", flush=True)
    if not condition:
        raise SystemExit(1)


def login(browser: Browser, base: str, username: str, password: str) -> int:
    status, _ = browser.post_form(
        base + "/accounts/login/", {"username": username, "password": password}
    )
    return status


def main():
    redis = subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    servers = []
    try:
        prepare_database()
        servers = start_servers()
        official = Browser()
        check(login(official, A, "official", PASSWORD) == 302, "logged in through A")
        status, _ = official.get(B + "/my/")
        check(status == 200, "the session from A is a login on B")

        _, matrix = official.get(B + "/matrix/")
        check("/reports/" not in matrix.split("<tbody>")[1], "B's matrix has no report yet")
        status, _ = official.post_form(
            A + "/my/reports/new/?commitment=17a",
            {"status": "substantial", "as_of": "2003-01-15", "confidence": "high",
             "narrative": "A task force was set up.", "submit": "submit"},
        )  # fmt: skip
        check(status == 302, "a report submitted through A")
        _, matrix = official.get(B + "/matrix/")
        check(
            re.search(r'href="/reports/\d+/"', matrix) is not None,
            "B's matrix shows it on the next request (the data version is shared)",
        )

        intruder = Browser()
        for _ in range(int(os.environ.get("AXES_FAILURE_LIMIT", 5))):
            login(intruder, A, "official", "a wrong password")
        status = login(Browser(), B, "official", PASSWORD)
        check(status != 302, "failed logins through A lock the username on B")
        manage("axes_reset_username", "official", stdout=subprocess.DEVNULL)

        for n in range(4):
            base = (A, B)[n % 2]
            status, _ = Browser().post_form(
                base + "/accounts/password_reset/", {"email": "official@example.org"}
            )
            check(status == 302, f"password reset {n + 1} asked through {base[-4:]}")
        emails = subprocess.run(
            [sys.executable, "manage.py", "shell", "-v", "0", "-c",
             "from commitments.models import OutgoingEmail;"
             "print(OutgoingEmail.objects.filter(kind='password_reset').count())"],
            cwd=ROOT, env=ENV, capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        check(emails == "3", f"3 reset emails of 4 asked, across both instances ({emails})")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=30)


if __name__ == "__main__":
    main()
