"""`manage.py backup` and `restore` (commitments.backups): round trips SQLite -> SQLite,
SQLite -> PostgreSQL and PostgreSQL -> PostgreSQL that compare every row of every table (the
history tables included) and every file's checksum, and the refusals, each of which writes
nothing.

The databases are real and freshly migrated: a subprocess per engine runs `migrate` (the
slow part, about 15 s of CPU each, so both run at once, once per test session, shared by the
xdist workers), copies the result as the "fresh" database every restore goes into, then loads
the reference data and writes a little of everything (reports, evidence files, comments,
users in groups, a login lockout, an admin log entry, a session, many-to-many rows with their
history, gaps in ids). Backups and restores then run in this process, through the commands'
`--database`, against databases added for this module only (pytest-django makes test
databases only for the aliases of the settings). Every name is this session's own, and
PostgreSQL's databases are dropped afterwards.
"""

import fcntl
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import uuid
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.models import Max
from django.test import override_settings

from commitments import backups

PROJECT = Path(__file__).resolve().parent.parent
LOCAL_POSTGRES = "postgres://tracker:tracker@127.0.0.1:5432/postgres"
TAG = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:8]}"
PREPARE_TIMEOUT = 300

# Run by `python -c` with the settings' environment (DATABASE_URL or SQLITE_PATH, MEDIA_ROOT):
# migrate, keep a copy of the migrated database as the fresh one, then write the source data.
PREPARE = textwrap.dedent(
    """
    import os, sqlite3, datetime
    import django
    django.setup()
    import psycopg
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    connection.close()
    if os.environ.get("FRESH_SQLITE"):
        source = sqlite3.connect(connection.settings_dict["NAME"])
        fresh = sqlite3.connect(os.environ["FRESH_SQLITE"])
        source.backup(fresh)
        source.close()
        fresh.close()
    else:
        with psycopg.connect(os.environ["POSTGRES_ADMIN"], autocommit=True) as admin:
            admin.execute(
                f'CREATE DATABASE "{os.environ["FRESH_POSTGRES"]}" '
                f'TEMPLATE "{connection.settings_dict["NAME"]}"'
            )

    from axes.models import AccessAttempt
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore
    from commitments.history import record_as
    from commitments.models import (
        Comment, Commitment, EvidenceFile, MinisterialMeeting, Official, Participant,
        ProgressReport,
    )

    call_command("load_reference", verbosity=0)
    # Without passwords: hashing one takes the better part of a second.
    root = User.objects.create_superuser("root", "root@example.org", None)
    siti = User.objects.create_user("siti", "siti@example.org", first_name="Siti Nurhaliza")
    amir = User.objects.create_user("amir", "amir@example.org", is_staff=True)
    amir.groups.add(Group.objects.get(name="Secretariat"))
    amir.user_permissions.add(Permission.objects.get(codename="view_logentry"))
    User.objects.create_user("gone").delete()  # a gap in the ids
    indonesia = Participant.objects.get(iso3="IDN")
    Official.objects.create(user=siti, participant=indonesia, title="Direktorat – Imigrasi")

    def report(code, state, **fields):
        made = ProgressReport(
            participant=indonesia, commitment=Commitment.objects.get(code=code),
            status="limited", as_of=datetime.date(2003, 1, 15),
            narrative="Kelompok kerja antar-instansi dibentuk; ü, é, 日本.", created_by=siti,
            state=state, **fields,
        )
        record_as(made, siti)
        made.save()
        return made

    submitted = report("17a", "submitted", submitted_by=siti,
                       submitted_at=datetime.datetime(2003, 1, 20, 8, 30, 15, 123456,
                                                      tzinfo=datetime.UTC))
    for name, content in [("plan d'action.pdf", b"%PDF-1.4 plan"), ("photo.png", b"\\x89PNG..")]:
        evidence = EvidenceFile(report=submitted, file=ContentFile(content, name=name),
                                original_name=name, content_type="application/pdf",
                                size=len(content), uploaded_by=siti)
        record_as(evidence, siti)
        evidence.save()
    correction = report("17a", "draft", corrects=submitted)
    report("17b", "draft").delete()  # history rows of a deleted draft, and a gap in the ids
    correction.narrative = "Edited once."
    correction.save()
    Comment.objects.create(report=submitted, author=amir, kind="question", body="Which laws?")
    meeting = MinisterialMeeting.objects.filter(co_chairs__isnull=False).first()
    meeting.co_chairs.remove(meeting.co_chairs.first())  # many-to-many history
    AccessAttempt.objects.create(
        username="siti", ip_address="127.0.0.1", user_agent="test", http_accept="*/*",
        path_info="/accounts/login/", get_data="", post_data="", failures_since_start=2,
    )
    LogEntry.objects.create(
        user=root, content_type=ContentType.objects.get_for_model(ProgressReport),
        object_id=str(submitted.pk), object_repr=str(submitted)[:200], action_flag=CHANGE,
        change_message="[]",
    )
    session = SessionStore()
    session["anything"] = "left out of backups"
    session.create()
    # A file no row names: everything under MEDIA_ROOT is backed up.
    orphan = os.path.join(os.environ["MEDIA_ROOT"], "other", "nested", "notes.txt")
    os.makedirs(os.path.dirname(orphan))
    with open(orphan, "wb") as stream:
        stream.write(b"kept as it is")
    """
)


# PostgreSQL ---------------------------------------------------------------------------------------


def postgres_admin_url() -> str:
    """The server of DATABASE_URL when it is PostgreSQL (as in CI), else the local one; always
    its maintenance database, from which this module creates and drops its own."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return LOCAL_POSTGRES
    return url.rsplit("/", 1)[0] + "/postgres"


def postgres_unreachable() -> str | None:
    try:
        with psycopg.connect(postgres_admin_url(), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip() or type(error).__name__


def database_name(role: str) -> str:
    return f"backup_test_{TAG}_{role}".lower()


def postgres_url(name: str) -> str:
    return postgres_admin_url().rsplit("/", 1)[0] + f"/{name}"


def drop_postgres_database(name: str) -> None:
    """Drop a database of this module. A plain DROP first: it stops an autovacuum worker busy
    on the freshly restored tables by itself, where WITH (FORCE) would refuse (the worker is
    no role this user may signal). FORCE only for a session of ours still connected."""
    with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        except psycopg.errors.ObjectInUse:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clone_postgres_database(template: str, name: str) -> None:
    with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


# Databases of this module, added beside the settings' ---------------------------------------------


def sqlite_config(path: Path) -> dict:
    # As the settings make it: transactions take the write lock at their start.
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }


def copy_sqlite(source: Path, copy: Path) -> None:
    """A consistent copy, whatever another worker's connection to the source is doing."""
    with closing(sqlite3.connect(source)) as reader, closing(sqlite3.connect(copy)) as writer:
        reader.backup(writer)


def add_database(alias: str, config: dict) -> str:
    configured = connections.configure_settings({"default": {}, alias: dict(config)})
    connections.settings[alias] = configured[alias]
    return alias


def remove_database(alias: str) -> None:
    connections[alias].close()
    del connections[alias]
    del connections.settings[alias]


# What the comparisons read ------------------------------------------------------------------------


def every_table(alias: str) -> dict[str, list[tuple]]:
    """Every row of every table Django made (the sessions and the migration-made rows too),
    ordered by primary key, as the database gives it back."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        columns = [field.attname for field in model._meta.concrete_fields]
        queryset = model._base_manager.using(alias).order_by("pk").values_list(*columns)
        rows[model._meta.label_lower] = list(queryset)
    return rows


def media_checksums(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def differences(expected: dict, found: dict) -> list[str]:
    """The tables whose rows differ, each with its first differing row: a readable failure."""
    lines = []
    for label in sorted(set(expected) | set(found)):
        want, got = expected.get(label), found.get(label)
        if want != got:
            first = next(
                (pair for pair in zip(want or [], got or [], strict=False) if pair[0] != pair[1]),
                None,
            )
            lines.append(
                f"{label}: {len(want or [])} rows expected, {len(got or [])} found; {first}"
            )
    return lines


# Fixtures -----------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """The databases every test starts from: per engine a freshly migrated one (restores go
    into copies of it) and a source holding data, with its MEDIA_ROOT."""

    folder: str
    postgres_problem: str | None
    fresh_postgres: str = ""
    source_postgres: str = ""

    @property
    def fresh_sqlite(self) -> Path:
        return Path(self.folder) / "fresh.sqlite3"

    @property
    def source_sqlite(self) -> Path:
        return Path(self.folder) / "source.sqlite3"

    @property
    def sqlite_media(self) -> Path:
        return Path(self.folder) / "sqlite-media"

    @property
    def postgres_media(self) -> Path:
        return Path(self.folder) / "postgres-media"

    def drop(self) -> None:
        for name in (self.source_postgres, self.fresh_postgres):
            if name:
                drop_postgres_database(name)


@pytest.fixture(autouse=True)
def _database_access(django_db_blocker):
    """These tests use only the databases this module adds, never the test database."""
    with django_db_blocker.unblock():
        yield


@contextmanager
def locked(folder: Path):
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


@pytest.fixture(scope="session")
def prepared(tmp_path_factory):
    """The prepared databases, made once per test session. pytest-xdist may hand this
    module's tests to both workers; they share the folder above their own temporary folders
    and, under a lock, the first to come prepares and the last to leave drops PostgreSQL's
    databases (a worker that comes later prepares them again). Session-scoped, so that a
    worker that runs other modules' tests between these keeps them."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    folder = shared / "backup_databases"
    folder.mkdir(exist_ok=True)
    state, users = folder / "prepared.json", folder / "users"
    with locked(folder):
        if state.exists():
            made = Prepared(**json.loads(state.read_text()))
        else:
            made = prepare(folder / uuid.uuid4().hex[:8])
            state.write_text(json.dumps(asdict(made)))
        users.write_text(str(int(users.read_text()) + 1 if users.exists() else 1))
    yield made
    with locked(folder):
        left = int(users.read_text()) - 1
        users.write_text(str(left))
        if left == 0:
            state.unlink()
            made.drop()


def prepare(folder: Path) -> Prepared:
    """Run PREPARE for SQLite and, when it is reachable, PostgreSQL, at the same time."""
    folder.mkdir()
    made = Prepared(folder=str(folder), postgres_problem=postgres_not_in_this_run())
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "bali_followup.settings"}
    environment.pop("DATABASE_URL", None)
    runs = [
        _start(
            {
                **environment,
                "SQLITE_PATH": str(made.source_sqlite),
                "FRESH_SQLITE": str(made.fresh_sqlite),
                "MEDIA_ROOT": str(made.sqlite_media),
            }
        )
    ]
    if made.postgres_problem is None:
        made.fresh_postgres, made.source_postgres = database_name("fresh"), database_name("source")
        with psycopg.connect(postgres_admin_url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{made.source_postgres}"')
        runs.append(
            _start(
                {
                    **environment,
                    "DATABASE_URL": postgres_url(made.source_postgres),
                    "POSTGRES_ADMIN": postgres_admin_url(),
                    "FRESH_POSTGRES": made.fresh_postgres,
                    "MEDIA_ROOT": str(made.postgres_media),
                }
            )
        )
    try:
        for run in runs:
            _, errors = run.communicate(timeout=PREPARE_TIMEOUT)
            assert run.returncode == 0, f"Preparing a database failed:\n{errors}"
    except BaseException:
        for run in runs:
            run.kill()
            run.wait()
        made.drop()
        raise
    return made


def _start(environment: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", PREPARE],
        cwd=PROJECT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


NOT_IN_THIS_RUN = (
    "this run's database is SQLite; the round trips through PostgreSQL run when DATABASE_URL "
    "names PostgreSQL (CI's second pass), which keeps the SQLite pass within its time"
)


def postgres_not_in_this_run() -> str | None:
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        return NOT_IN_THIS_RUN
    return postgres_unreachable()


def need_postgres(prepared: Prepared) -> None:
    if prepared.postgres_problem is None:
        return
    if prepared.postgres_problem == NOT_IN_THIS_RUN:
        pytest.skip(NOT_IN_THIS_RUN)
    message = f"PostgreSQL is not reachable at {postgres_admin_url()}: {prepared.postgres_problem}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message} (CI runs these tests; it does not skip them)")
    pytest.skip(message)


@dataclass
class Source:
    alias: str
    media_root: Path
    backup: Path
    rows: dict
    files: dict


def _backed_up(alias: str, media_root: Path, folder: Path) -> Source:
    with override_settings(MEDIA_ROOT=media_root):
        call_command("backup", str(folder / "backup"), database=alias, verbosity=0)
    return Source(
        alias, media_root, folder / "backup", every_table(alias), media_checksums(media_root)
    )


@pytest.fixture(scope="session")
def sqlite_source(prepared, tmp_path_factory, django_db_blocker):
    """The SQLite source database and its backup, made once: the tests only read them.
    (Database access is unblocked for the backup only, not for the session's other tests.)"""
    alias = add_database(f"backup_sqlite_source_{TAG}", sqlite_config(prepared.source_sqlite))
    with django_db_blocker.unblock():
        source = _backed_up(alias, prepared.sqlite_media, tmp_path_factory.mktemp("sqlite_backup"))
    yield source
    remove_database(alias)


@pytest.fixture(scope="session")
def postgres_source(prepared, tmp_path_factory, django_db_blocker):
    need_postgres(prepared)
    config = dj_database_url.parse(postgres_url(prepared.source_postgres))
    alias = add_database(f"backup_postgres_source_{TAG}", config)
    with django_db_blocker.unblock():
        source = _backed_up(alias, prepared.postgres_media, tmp_path_factory.mktemp("pg_backup"))
    yield source
    remove_database(alias)


@dataclass
class Target:
    alias: str
    media_root: Path

    def restore(self, backup: Path) -> None:
        with override_settings(MEDIA_ROOT=self.media_root):
            call_command("restore", str(backup), database=self.alias, verbosity=0)

    def state(self) -> tuple[dict, dict]:
        return every_table(self.alias), media_checksums(self.media_root)


@pytest.fixture
def fresh_sqlite(prepared, tmp_path):
    """A freshly migrated SQLite database of its own, and an empty MEDIA_ROOT."""
    copy_sqlite(prepared.fresh_sqlite, tmp_path / "target.sqlite3")
    alias = add_database(f"backup_sqlite_target_{TAG}", sqlite_config(tmp_path / "target.sqlite3"))
    yield Target(alias, tmp_path / "media")
    remove_database(alias)


@pytest.fixture
def fresh_postgres(prepared, tmp_path):
    need_postgres(prepared)
    name = database_name(f"target_{uuid.uuid4().hex[:6]}")
    clone_postgres_database(prepared.fresh_postgres, name)
    alias = add_database(f"backup_postgres_target_{TAG}", dj_database_url.parse(postgres_url(name)))
    yield Target(alias, tmp_path / "media")
    remove_database(alias)
    drop_postgres_database(name)


# Round trips --------------------------------------------------------------------------------------


def assert_restored_exactly(source: Source, target: Target) -> None:
    rows, files = target.state()
    # The sessions are left out of backups: the restored database has none.
    assert source.rows["sessions.session"]
    assert rows["sessions.session"] == []
    # The data version (the key of cached pages) is the target's own, changed by the restore.
    [(_, source_token, _)] = source.rows["commitments.dataversion"]
    [(_, restored_token, _)] = rows.pop("commitments.dataversion")
    assert restored_token != source_token
    expected = {**source.rows, "sessions.session": []}
    del expected["commitments.dataversion"]
    # Prepared documents are made again on demand: none is restored.
    assert rows.pop("commitments.prepareddocument") == []
    expected.pop("commitments.prepareddocument")
    assert differences(expected, rows) == []
    assert files == source.files


def assert_new_rows_get_new_ids(source: Source, target: Target) -> None:
    """After the restore, each table's next id comes after the restored ones (on PostgreSQL,
    where the sequences were reset; SQLite follows the largest id by itself)."""
    connection = connections[target.alias]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in apps.get_models(include_auto_created=True):
                if model._meta.proxy or not model._meta.managed:
                    continue
                cursor.execute(
                    "SELECT pg_get_serial_sequence(%s, %s)",
                    [model._meta.db_table, model._meta.pk.column],
                )
                (sequence,) = cursor.fetchone()
                if sequence is None:
                    continue  # not an auto-incremented key (a session key, a UUID)
                cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
                last, called = cursor.fetchone()
                largest = model._base_manager.using(target.alias).aggregate(Max("pk"))["pk__max"]
                assert (last + 1 if called else last) > (largest or 0), model._meta.label
    largest_user = max(row[0] for row in source.rows["auth.user"])
    assert User.objects.db_manager(target.alias).create_user("new").pk > largest_user


def test_the_source_databases_hold_a_little_of_everything(sqlite_source):
    rows = sqlite_source.rows
    for label in [
        "commitments.progressreport",
        "commitments.historicalprogressreport",
        "commitments.evidencefile",
        "commitments.historicalministerialmeeting_co_chairs",
        "commitments.comment",
        "auth.user_groups",
        "auth.user_user_permissions",
        "axes.accessattempt",
        "admin.logentry",
        "sessions.session",
    ]:
        assert rows[label], label
    assert len(sqlite_source.files) == 3


def test_a_round_trip_from_sqlite_to_sqlite_keeps_every_row_and_file(sqlite_source, fresh_sqlite):
    fresh_sqlite.restore(sqlite_source.backup)

    assert_restored_exactly(sqlite_source, fresh_sqlite)
    assert_new_rows_get_new_ids(sqlite_source, fresh_sqlite)


def test_a_round_trip_from_sqlite_to_postgresql_keeps_every_row_and_file(
    sqlite_source, fresh_postgres
):
    fresh_postgres.restore(sqlite_source.backup)

    assert_restored_exactly(sqlite_source, fresh_postgres)
    assert_new_rows_get_new_ids(sqlite_source, fresh_postgres)


def test_a_round_trip_from_postgresql_to_postgresql_keeps_every_row_and_file(
    postgres_source, fresh_postgres
):
    fresh_postgres.restore(postgres_source.backup)

    assert_restored_exactly(postgres_source, fresh_postgres)
    assert_new_rows_get_new_ids(postgres_source, fresh_postgres)


def test_the_manifest_lists_every_file_with_its_checksum_and_where_it_came_from(sqlite_source):
    manifest = backups.read_manifest(sqlite_source.backup)
    written = {
        path.relative_to(sqlite_source.backup).as_posix(): hashlib.sha256(path.read_bytes())
        for path in sqlite_source.backup.rglob("*")
        if path.is_file() and path.name != backups.MANIFEST
    }

    assert {name: entry["sha256"] for name, entry in manifest["files"].items()} == {
        name: digest.hexdigest() for name, digest in written.items()
    }
    assert manifest["engine"] == "django.db.backends.sqlite3"
    assert manifest["migrations"] == backups.migration_state(sqlite_source.alias)
    assert manifest["migrations"]["commitments"]
    assert manifest["created_at"]
    assert "sessions.session" not in manifest["rows"]
    assert manifest["rows"] == {
        label: len(rows)
        for label, rows in sqlite_source.rows.items()
        if label not in backups.LEFT_OUT
    }
    assert manifest["missing_media_files"] == []


# Refusals, each writing nothing -------------------------------------------------------------------


def refused(target: Target, backup: Path) -> str:
    """Restore, expecting a refusal: its message, after checking that nothing was written."""
    before = target.state()
    with pytest.raises(CommandError) as refusal:
        target.restore(backup)
    assert target.state() == before
    return str(refusal.value)


@pytest.fixture
def backup_copy(sqlite_source, tmp_path):
    """A copy of the SQLite backup, for a test to damage."""
    copy = tmp_path / "backup-copy"
    shutil.copytree(sqlite_source.backup, copy)
    return copy


def test_restore_refuses_a_database_that_holds_a_row_beyond_what_migrations_make(
    sqlite_source, fresh_sqlite
):
    User.objects.db_manager(fresh_sqlite.alias).create_user("already-here")

    message = refused(fresh_sqlite, sqlite_source.backup)

    assert "already holds data" in message
    assert "auth.user (1)" in message


def test_restore_refuses_a_media_folder_that_holds_a_file(sqlite_source, fresh_sqlite):
    fresh_sqlite.media_root.mkdir()
    (fresh_sqlite.media_root / "left-over.pdf").write_bytes(b"%PDF")

    message = refused(fresh_sqlite, sqlite_source.backup)

    assert "MEDIA_ROOT" in message
    assert "is not empty" in message


@pytest.mark.parametrize("damaged", ["data.jsonl", "media/other/nested/notes.txt"])
def test_restore_refuses_a_file_that_does_not_match_its_checksum(
    backup_copy, fresh_sqlite, damaged
):
    with (backup_copy / damaged).open("ab") as stream:
        stream.write(b" ")

    message = refused(fresh_sqlite, backup_copy)

    assert f"{damaged} does not match its checksum" in message


def test_restore_refuses_a_backup_that_lacks_a_file_of_its_manifest(backup_copy, fresh_sqlite):
    (backup_copy / "media/other/nested/notes.txt").unlink()

    message = refused(fresh_sqlite, backup_copy)

    assert "media/other/nested/notes.txt is listed in the manifest but missing" in message


def test_restore_refuses_a_backup_without_its_manifest(backup_copy, fresh_sqlite):
    (backup_copy / "manifest.json").unlink()

    message = refused(fresh_sqlite, backup_copy)

    assert "has no manifest.json" in message
    assert "interrupted" in message


def test_restore_refuses_a_database_at_other_migrations(sqlite_source, fresh_sqlite):
    latest = backups.migration_state(fresh_sqlite.alias)["commitments"][0]
    with connections[fresh_sqlite.alias].cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'commitments' AND name = %s", [latest]
        )

    message = refused(fresh_sqlite, sqlite_source.backup)

    assert f"commitments: the backup is at {latest}" in message
    assert "manage.py migrate" in message


def test_restore_undoes_everything_when_a_row_appears_that_the_backup_lacks(
    sqlite_source, fresh_sqlite
):
    """A signal handler that writes during a restore (as django-simple-history's would, on
    a many-to-many change) fails it: the tables must hold exactly the backup's rows."""
    from django.db.models.signals import post_save

    from commitments.models import Participant

    def write_a_row(sender, instance, using, **kwargs):
        if instance.iso3 == "IDN":
            User.objects.db_manager(using).create_user("made-by-a-signal")

    post_save.connect(write_a_row, sender=Participant)
    try:
        message = refused(fresh_sqlite, sqlite_source.backup)
    finally:
        post_save.disconnect(write_a_row, sender=Participant)

    assert "auth.user:" in message
    assert "do not hold what the backup holds" in message


def test_restore_undoes_everything_when_a_copied_file_differs(
    sqlite_source, fresh_sqlite, monkeypatch
):
    """The last step fails (a disk that damages the copy of the last file): the files copied
    before it are removed too, and the rows rolled back."""
    copy_file, copies = backups._copy_file, []

    def damaging_the_last_copy(source, destination):
        entry = copy_file(source, destination)
        copies.append(destination)
        if len(copies) == len(sqlite_source.files):
            entry = {**entry, "sha256": "0" * 64}
        return entry

    monkeypatch.setattr(backups, "_copy_file", damaging_the_last_copy)

    message = refused(fresh_sqlite, sqlite_source.backup)

    assert "differs from" in message
    assert len(copies) == 3
    assert not fresh_sqlite.media_root.exists()


def test_backup_refuses_a_folder_that_is_not_empty(sqlite_source, tmp_path):
    folder = tmp_path / "earlier"
    folder.mkdir()
    (folder / "keep.txt").write_text("an earlier backup")

    with (
        override_settings(MEDIA_ROOT=sqlite_source.media_root),
        pytest.raises(CommandError, match="is not empty"),
    ):
        call_command("backup", str(folder), database=sqlite_source.alias, verbosity=0)

    assert [path.name for path in folder.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        pytest.param("x" * 201, "201 characters, the column holds 200", id="too-long"),
        pytest.param("Indo\x00nesia", "a NUL character", id="nul"),
    ],
)
def test_backup_refuses_a_value_postgresql_would_refuse_naming_its_row(
    prepared, tmp_path, value, problem
):
    """SQLite stores a text longer than its column, or a NUL; PostgreSQL refuses both."""
    path = tmp_path / "source.sqlite3"
    copy_sqlite(prepared.source_sqlite, path)
    with closing(sqlite3.connect(path)) as database, database:
        (pk,) = database.execute(
            "SELECT id FROM commitments_participant WHERE iso3 = 'IDN'"
        ).fetchone()
        database.execute("UPDATE commitments_participant SET name = ? WHERE id = ?", [value, pk])
    alias = add_database(f"backup_damaged_{TAG}", sqlite_config(path))
    try:
        with (
            override_settings(MEDIA_ROOT=prepared.sqlite_media),
            pytest.raises(CommandError) as refusal,
        ):
            call_command("backup", str(tmp_path / "backup"), database=alias, verbosity=0)
    finally:
        remove_database(alias)

    assert f"commitments_participant row {pk} (commitments.Participant), column name" in str(
        refusal.value
    )
    assert problem in str(refusal.value)
    assert not (tmp_path / "backup").exists()


def test_backup_warns_of_a_file_that_a_row_names_but_media_root_lacks(sqlite_source, tmp_path):
    media = tmp_path / "media"
    shutil.copytree(sqlite_source.media_root, media)
    lost = next(name for name in sqlite_source.files if name.startswith("evidence/"))
    (media / lost).unlink()
    warnings = io.StringIO()

    with override_settings(MEDIA_ROOT=media):
        call_command(
            "backup",
            str(tmp_path / "backup"),
            database=sqlite_source.alias,
            stderr=warnings,
            verbosity=0,
        )

    assert f"A row names {lost}, which is not in MEDIA_ROOT" in warnings.getvalue()
    assert backups.read_manifest(tmp_path / "backup")["missing_media_files"] == [lost]
