"""The settings module: typed environment variables that fail loudly, SQLite in WAL mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from bali_followup.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def settings_in_a_fresh_process(expression: str, **env) -> subprocess.CompletedProcess:
    """Import the settings with exactly `env` (plus PATH) and print `expression`."""
    code = f"import bali_followup.settings as s; print(repr(({expression})))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("On", True)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG") is expected


def test_env_bool_rejects_a_typo(monkeypatch):
    monkeypatch.setenv("FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be one of"):
        env_bool("FLAG")


def test_env_int_rejects_a_word(monkeypatch):
    monkeypatch.setenv("NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured, match="NUMBER must be a whole number"):
        env_int("NUMBER", 1)


def test_env_int_and_env_list_fall_back_to_their_defaults(monkeypatch):
    monkeypatch.delenv("NUMBER", raising=False)
    monkeypatch.setenv("HOSTS", " a.example , ,b.example")
    assert env_int("NUMBER", 7) == 7
    assert env_list("HOSTS") == ["a.example", "b.example"]


def run_in_a_fresh_process(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("entry_point", ["bali_followup.wsgi", "bali_followup.asgi"])
def test_without_debug_the_app_refuses_to_serve_without_a_secret_key(entry_point):
    result = run_in_a_fresh_process(f"import {entry_point}")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert run_in_a_fresh_process(f"import {entry_point}", SECRET_KEY=STRONG_KEY).returncode == 0


STRONG_KEY = "p7Xq2Lr9Vw4Kd8Zs1Nf6Hb3Tj0Mc5Ya7Ue2Io9Pg4Rl8Sx1Qv6Wn3Bz0"


@pytest.mark.parametrize(
    "key", ["k", "short-but-not-empty", "a" * 60, "django-insecure-" + "x1y2z3w4v5" * 5]
)
def test_without_debug_the_app_refuses_to_serve_with_a_weak_secret_key(key):
    result = run_in_a_fresh_process("import bali_followup.wsgi", SECRET_KEY=key)
    assert result.returncode != 0
    assert "SECRET_KEY is too weak" in result.stderr


def test_without_debug_nothing_is_signed_with_an_empty_key():
    result = run_in_a_fresh_process(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'bali_followup.settings'; "
        "django.setup(); from django.core import signing; signing.dumps('x')"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_project_loads_for_its_tooling_with_no_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_with_debug_a_development_key_is_used_and_served():
    # What `make run` does: runserver loads the WSGI application with DEBUG on.
    result = run_in_a_fresh_process(
        "import bali_followup.wsgi; from django.conf import settings as s; "
        "print(s.DEBUG, s.SECRET_KEY.startswith('django-insecure'))",
        DEBUG="1",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_a_bad_debug_value_stops_the_app():
    result = settings_in_a_fresh_process("s.DEBUG", DEBUG="yes please", SECRET_KEY="k")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_with_no_environment_it_runs_on_sqlite_with_debug_off():
    result = settings_in_a_fresh_process(
        "s.DEBUG, s.DATABASES['default']['ENGINE'], s.USE_TZ", SECRET_KEY="k"
    )
    assert result.stdout.strip() == "(False, 'django.db.backends.sqlite3', True)"


def test_database_url_switches_to_postgresql():
    result = settings_in_a_fresh_process(
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']",
        SECRET_KEY="k",
        DATABASE_URL="postgres://tracker:pw@127.0.0.1:5432/tracker",
    )
    assert result.stdout.strip() == "('django.db.backends.postgresql', 'tracker')"


def test_an_smtp_server_is_used_when_one_is_named():
    result = settings_in_a_fresh_process(
        "s.MAILERS['default']['BACKEND'], s.MAILERS['default']['OPTIONS']['port']",
        SECRET_KEY="k",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
    )
    assert result.stdout.strip() == "('django.core.mail.backends.smtp.EmailBackend', 2525)"


def test_sqlite_runs_in_wal_mode(tmp_path, django_db_blocker):
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("this run uses PostgreSQL; the WAL setting applies to SQLite only")
    from django.db.backends.sqlite3.base import DatabaseWrapper

    config = {**settings.DATABASES["default"], "NAME": str(tmp_path / "wal.sqlite3")}
    wrapper = DatabaseWrapper(config, alias="wal_check")
    try:
        with django_db_blocker.unblock(), wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
    finally:
        wrapper.close()


def test_production_static_files_are_collected_and_fingerprinted(tmp_path):
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "SECRET_KEY": "k", "STATIC_ROOT": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert collect.returncode == 0, collect.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/pico/pico.min.css" in manifest
    assert list(tmp_path.glob("vendor/pico/pico.min.*.css.gz"))


@pytest.mark.parametrize(("proxy", "expected"), [("true", 31536000), ("false", 0)])
def test_hsts_is_on_behind_an_https_proxy(proxy, expected):
    result = settings_in_a_fresh_process(
        "s.SECURE_HSTS_SECONDS", SECRET_KEY="x" * 50, BEHIND_HTTPS_PROXY=proxy
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(expected)


PRODUCTION = {"SECRET_KEY": STRONG_KEY, "BEHIND_HTTPS_PROXY": "true",
              "ALLOWED_HOSTS": "tracker.example.org", "EMAIL_HOST": "smtp.example.org"}  # fmt: skip


def test_the_deployment_checks_pass_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **PRODUCTION},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_behind_the_proxy_plain_http_is_redirected_but_for_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/meetings/")["Location"] == "https://testserver/meetings/"
    assert client.get("/healthz").status_code == 200
