"""Backups of the whole database and of the files under MEDIA_ROOT, and their restore
(`manage.py backup DIR`, `manage.py restore DIR`).

A backup is a folder:

    data.jsonl     every row of every table, one per line, with its primary key (Django's
                   JSON Lines serialization, a fixture format, times to the microsecond)
    media/...      every file under MEDIA_ROOT, at the same relative path
    manifest.json  written last: the SHA-256 of every other file, the migrations the database
                   was at, the engine, the time and the rows per model. A folder without it
                   is a backup that did not finish.

Rows keep their primary keys and refer to each other by them, so every reference (foreign
keys, the admin log's object ids, the history rows' ids) stays exact; natural keys would add
look-ups and keep nothing more. Every model of every installed app is included, found through
the app registry, so tables added later are backed up without a change here; only the
sessions are left out (LEFT_OUT says why).

The rows of many-to-many tables are written as rows of their own (Django's auto-created
"through" models) rather than inside the rows they join. Loading them inline would call
`.set()`, whose m2m_changed signal makes django-simple-history write a history row that was
never in the backup (its post_save handler skips the raw saves of a restore; its m2m handler
does not). Each restored row is inserted once, raw, and the restore then counts every table:
a row that is not in the backup fails the restore.
"""

import datetime
import hashlib
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLinesSerializer
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    IntegrityError,
    connections,
    models,
    router,
    transaction,
)
from django.db.backends.base.operations import BaseDatabaseOperations
from django.db.migrations.loader import MigrationLoader
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from simple_history.models import HistoricalChanges

from commitments.caching import bump
from commitments.roles import SECRETARIAT

FORMAT = "bali-followup-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_FILE = "data.jsonl"
MEDIA_FOLDER = "media"
LEFT_OUT = {
    "sessions.session": (
        "logins in progress, not data anyone entered: a restore signs everyone out, and a "
        "backup kept for months carries no one's live login"
    ),
    "commitments.prepareddocument": (
        "documents made from the data (the PDF for Ministers, large downloads), made again "
        "on demand; their files are outside MEDIA_ROOT"
    ),
    "commitments.dataversion": (
        "the key of cached pages, not data: a migration makes it and a restore changes it, "
        "so that nothing cached before the restore is shown after it"
    ),
}
# A freshly migrated database is not empty: Django's post_migrate makes the content types and
# permissions, and commitments' migrations make the Secretariat group with its permissions.
# A restore replaces exactly these by the backup's own (same ids); any other row refuses it.
MIGRATION_MADE = "content types, permissions, and the Secretariat group with its permissions"
# The fields PostgreSQL stores as varchar(max_length) and refuses longer values for
# (DatabaseWrapper.data_types of its backend); a TextField's max_length only validates forms.
VARCHAR_FIELDS = {"CharField", "FileField", "FilePathField", "SlugField"}
MAX_PROBLEMS_SHOWN = 20
MAX_TABLES_SHOWN = 8
CHUNK_BYTES = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why and what to do."""


@dataclass
class Summary:
    rows: int
    tables: int
    files: int
    bytes: int

    def __str__(self):
        return (
            f"{self.rows:,} rows of {self.tables} tables and {self.files:,} files "
            f"({self.bytes / 1_000_000:,.1f} MB)"
        )


def summary(manifest: dict) -> Summary:
    media = [entry for name, entry in manifest["files"].items() if name != DATA_FILE]
    return Summary(
        rows=sum(manifest["rows"].values()),
        tables=len(manifest["rows"]),
        files=len(media),
        bytes=sum(entry["bytes"] for entry in manifest["files"].values()),
    )


# The tables ------------------------------------------------------------------------------------


def database_models(using: str) -> list[type[models.Model]]:
    """Every table Django made in this database: each installed app's models and their
    many-to-many tables, the history tables of django-simple-history included."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        and model._meta.managed
        and router.allow_migrate_model(using, model)
    ]


def backed_up_models(using: str) -> list[type[models.Model]]:
    return [model for model in database_models(using) if model._meta.label_lower not in LEFT_OUT]


def migration_state(using: str) -> dict[str, list[str]]:
    """The latest applied migration of each app: its applied migrations that no other applied
    migration of the app depends on (one, unless a merge migration is missing)."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    latest = {}
    for key in sorted(applied):
        node = loader.graph.node_map.get(key)
        children = {child.key for child in node.children} if node is not None else set()
        if not any(child in applied and child[0] == key[0] for child in children):
            latest.setdefault(key[0], []).append(key[1])
    return latest


# Values that one engine stores and another refuses ----------------------------------------------


def value_problems(instance: models.Model) -> list[str]:
    """What in this row PostgreSQL would refuse although SQLite stored it: a text longer than
    its column, a NUL character, an integer out of the column's range. Each names the table,
    the row and the column, so that it can be corrected in the source (no value is cut)."""
    problems = []
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if isinstance(value, FieldFile):
            value = value.name
        why = _why_not_portable(field, value)
        if why:
            problems.append(
                f"{instance._meta.db_table} row {instance.pk!r} ({instance._meta.label}), "
                f"column {field.column}: {why}"
            )
    return problems


def _why_not_portable(field, value) -> str | None:
    if isinstance(value, str):
        if field.get_internal_type() in VARCHAR_FIELDS and len(value) > field.max_length:
            return f"{len(value)} characters, the column holds {field.max_length}"
        if "\x00" in value:
            return "contains a NUL character, which PostgreSQL cannot store"
    elif isinstance(value, int) and not isinstance(value, bool):
        low, high = BaseDatabaseOperations.integer_field_ranges.get(
            field.get_internal_type(), (None, None)
        )
        if low is not None and not low <= value <= high:
            return f"{value} is outside the column's range ({low} to {high})"
    return None


def _refuse_problems(problems: list[str], what: str) -> None:
    if not problems:
        return
    shown = "\n  ".join(problems[:MAX_PROBLEMS_SHOWN])
    more = len(problems) - MAX_PROBLEMS_SHOWN
    raise BackupError(
        f"{what}: {len(problems)} values would not load into PostgreSQL:\n  {shown}"
        + (f"\n  ... and {more} more" if more > 0 else "")
        + "\nCorrect them (in the admin, or with the shell) and try again."
    )


# Files -----------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _copy_file(source: Path, destination: Path) -> dict:
    """Copy, flushed to disk (so that the manifest, written after, never names a file the disk
    lost), and return the copy's checksum and size."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as reader, destination.open("xb") as writer:
        shutil.copyfileobj(reader, writer, CHUNK_BYTES)
        writer.flush()
        os.fsync(writer.fileno())
    return _file_entry(destination)


def _file_entry(path: Path) -> dict:
    return {"sha256": file_sha256(path), "bytes": path.stat().st_size}


def _files_under(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(Path(folder) / name for folder, _, names in os.walk(root) for name in names)


def _is_within(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


# Backup ----------------------------------------------------------------------------------------


def backup(directory, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Write the database and MEDIA_ROOT to `directory` (new, or an empty folder) and return
    the manifest. On any failure what was written is removed again."""
    directory = Path(directory)
    media_root = Path(settings.MEDIA_ROOT)
    _refuse_backup_folder(directory, media_root)
    made_folder = not directory.exists()
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        return _write_backup(directory, media_root, using)
    except BaseException:
        _remove_written(directory, made_folder)
        raise


def _refuse_backup_folder(directory: Path, media_root: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise BackupError(f"{directory} is a file, not a folder. Name a new or empty folder.")
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(
            f"{directory} is not empty. Name a new or empty folder: a backup never mixes "
            "with other files, nor overwrites an earlier backup."
        )
    if _is_within(directory, media_root):
        raise BackupError(
            f"{directory} is inside MEDIA_ROOT ({media_root}): the backup would copy itself. "
            "Name a folder outside it."
        )


def _write_backup(directory: Path, media_root: Path, using: str) -> dict:
    with _snapshot(using):
        taken_at = timezone.now()  # the moment the rows are as of
        migrations = migration_state(using)
        rows, referenced = _write_rows(directory / DATA_FILE, using)
    files = {DATA_FILE: _file_entry(directory / DATA_FILE), **_copy_media(media_root, directory)}
    connection = connections[using]
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": taken_at.isoformat(),
        "engine": connection.settings_dict["ENGINE"],
        "django": django.get_version(),
        "migrations": migrations,
        "rows": rows,
        "left_out": LEFT_OUT,
        "files": files,
        "missing_media_files": sorted(
            name for name in referenced if f"{MEDIA_FOLDER}/{name}" not in files
        ),
    }
    _write_manifest(directory, manifest)
    return manifest


@contextmanager
def _snapshot(using: str):
    """One transaction, so that every table is read as of one moment. PostgreSQL's default
    isolation (READ COMMITTED) gives each query a new snapshot, so the backup asks for
    REPEATABLE READ; an SQLite transaction sees one state of the file (with this project's
    IMMEDIATE transactions, writers wait until the backup has read the rows)."""
    connection = connections[using]
    starts_transaction = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if starts_transaction and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


class _ExactEncoder(DjangoJSONEncoder):
    """Times to the microsecond: DjangoJSONEncoder (dumpdata's) cuts them to milliseconds, as
    ECMAScript writes them, and a restore would then change every timestamp."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _RowSerializer(JSONLinesSerializer):
    """Django's JSON Lines serializer, without the many-to-many fields inside rows: their
    tables are backed up as models of their own (see the module's docstring)."""

    def handle_m2m_field(self, obj, field):
        pass


def _write_rows(path: Path, using: str) -> tuple[dict[str, int], set[str]]:
    """Write every row; return the rows per model and the files that live rows refer to."""
    counts: dict[str, int] = {}
    referenced: set[str] = set()
    problems: list[str] = []

    def rows():
        for model in backed_up_models(using):
            label = model._meta.label_lower
            counts[label] = 0
            file_fields = _live_file_fields(model)
            queryset = model._base_manager.using(using).order_by("pk")
            for instance in queryset.iterator(chunk_size=2000):
                problems.extend(value_problems(instance))
                referenced.update(
                    name for f in file_fields if (name := getattr(instance, f.attname).name)
                )
                counts[label] += 1
                yield instance

    with path.open("x", encoding="utf-8", newline="\n") as stream:
        _RowSerializer().serialize(rows(), stream=stream, cls=_ExactEncoder)
        stream.flush()
        os.fsync(stream.fileno())
    _refuse_problems(problems, "Nothing was backed up")
    return counts, referenced


def _copy_media(media_root: Path, directory: Path) -> dict[str, dict]:
    files = {}
    for source in _files_under(media_root):
        relative = source.relative_to(media_root).as_posix()
        destination = directory / MEDIA_FOLDER / relative
        files[f"{MEDIA_FOLDER}/{relative}"] = _copy_file(source, destination)
    return files


def _live_file_fields(model) -> list[models.FileField]:
    """The file fields whose files must be in MEDIA_ROOT. History rows keep the names of files
    deleted with their drafts, so theirs are not missing files."""
    if issubclass(model, HistoricalChanges):
        return []
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _write_manifest(directory: Path, manifest: dict) -> None:
    """Written last, and renamed into place whole: a backup with a manifest is complete."""
    partial = directory / f"{MANIFEST}.partial"
    with partial.open("x", encoding="utf-8") as stream:
        json.dump(manifest, stream, indent=2, sort_keys=True)
        stream.flush()
        os.fsync(stream.fileno())
    partial.replace(directory / MANIFEST)
    folder = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(folder)
    finally:
        os.close(folder)


def _remove_written(directory: Path, made_folder: bool) -> None:
    if made_folder:
        shutil.rmtree(directory, ignore_errors=True)
        return
    for child in directory.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


# Restore ---------------------------------------------------------------------------------------


def restore(directory, *, using: str = DEFAULT_DB_ALIAS) -> dict:
    """Restore the backup in `directory` into the database `using` and MEDIA_ROOT, and return
    its manifest. Every check comes before the first write; the rows load in one transaction,
    and a failure at any step (the files included) leaves the database and MEDIA_ROOT as they
    were."""
    directory = Path(directory)
    media_root = Path(settings.MEDIA_ROOT)
    manifest = read_manifest(directory)
    verify_files(directory, manifest)
    _refuse_other_migrations(manifest, using)
    _refuse_non_empty_media(media_root)
    written: list[Path] = []
    made_media_root = not media_root.exists()
    try:
        with transaction.atomic(using=using):
            _refuse_non_empty_database(using)
            _delete_migration_made_rows(using)
            _load_rows(directory / DATA_FILE, using)
            _check_constraints(using)
            _refuse_other_row_counts(manifest, using)
            _reset_sequences(using)
            bump(using)
            _restore_media(directory, manifest, media_root, written)
    except BaseException:
        _remove_restored_media(media_root, written, made_media_root)
        raise
    finally:
        # Content types are cached by id; the restore replaced them.
        ContentType.objects.clear_cache()
    return manifest


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not directory.is_dir():
        raise BackupError(f"{directory} is not a folder. Name a folder made by `manage.py backup`.")
    if not path.is_file():
        raise BackupError(
            f"{directory} has no {MANIFEST}: it is not a backup, or its backup was interrupted "
            "before it finished (the manifest is written last). Nothing was restored."
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{path} is not valid JSON ({error}). Nothing was restored.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not the manifest of a backup made by `manage.py backup`.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} is of backup format {manifest.get('format_version')!r}; this version of "
            f"the app restores format {FORMAT_VERSION}."
        )
    return manifest


def verify_files(directory: Path, manifest: dict) -> None:
    """Refuse unless every file the manifest lists is there with its checksum."""
    files = manifest.get("files", {})
    if DATA_FILE not in files:
        raise BackupError(f"The manifest does not list {DATA_FILE}. Nothing was restored.")
    for name, entry in sorted(files.items()):
        path = directory / _member(name)
        if not path.is_file():
            raise BackupError(
                f"{name} is listed in the manifest but missing from {directory}: the backup "
                "is incomplete. Nothing was restored."
            )
        if file_sha256(path) != entry["sha256"]:
            raise BackupError(
                f"{name} does not match its checksum in the manifest: it was changed or "
                "damaged after the backup was made. Nothing was restored."
            )


def _member(name: str) -> PurePosixPath:
    """A path inside the backup folder: the data file, or a file under media/."""
    path = PurePosixPath(name)
    inside = not path.is_absolute() and ".." not in path.parts
    if not inside or (name != DATA_FILE and path.parts[0] != MEDIA_FOLDER):
        raise BackupError(f"The manifest names {name!r}, which is not a file of a backup.")
    return path


def _refuse_other_migrations(manifest: dict, using: str) -> None:
    wanted, found = manifest["migrations"], migration_state(using)
    differences = [
        f"  {app}: the backup is at {', '.join(wanted.get(app, [])) or 'no migration'}, "
        f"this database at {', '.join(found.get(app, [])) or 'no migration'}"
        for app in sorted(set(wanted) | set(found))
        if wanted.get(app) != found.get(app)
    ]
    if differences:
        raise BackupError(
            "This database is not at the migrations the backup was made at:\n"
            + "\n".join(differences)
            + "\nRun `manage.py migrate` on the new, empty database first (with the version "
            "of the app that made the backup). If the app is newer, migrate each app only up "
            "to the backup's migration (`manage.py migrate APP MIGRATION`), restore, then run "
            "`manage.py migrate`. Nothing was restored."
        )


def _refuse_non_empty_media(media_root: Path) -> None:
    if media_root.exists() and (not media_root.is_dir() or any(media_root.iterdir())):
        raise BackupError(
            f"MEDIA_ROOT ({media_root}) is not empty. Restore into an empty folder (or a new "
            "one): the restore never mixes files with, nor overwrites, files already there. "
            "Nothing was restored."
        )


def rows_beyond_migrations(using: str) -> dict[str, int]:
    """The rows, per model, that a freshly migrated database would not hold: any row at all,
    except the content types, the permissions, and the Secretariat group with its
    permissions."""
    group_permissions = Group.permissions.through
    found = {}
    for model in database_models(using):
        rows = model._base_manager.using(using)
        if model in (ContentType, Permission) or model._meta.label_lower in LEFT_OUT:
            continue
        if model is Group:
            rows = rows.exclude(name=SECRETARIAT)
        elif model is group_permissions:
            rows = rows.exclude(group__name=SECRETARIAT)
        if count := rows.count():
            found[model._meta.label_lower] = count
    return found


def _refuse_non_empty_database(using: str) -> None:
    found = rows_beyond_migrations(using)
    if found:
        listed = ", ".join(
            f"{label} ({count})" for label, count in sorted(found.items())[:MAX_TABLES_SHOWN]
        )
        if len(found) > MAX_TABLES_SHOWN:
            listed += f" and {len(found) - MAX_TABLES_SHOWN} more tables"
        raise BackupError(
            "This database already holds data, which the restore would mix with the "
            f"backup's: {listed}. Restore into a new database that has only been migrated "
            f"(`manage.py migrate`, which makes only the {MIGRATION_MADE}); do not load the "
            "reference data or create users first. Nothing was restored."
        )


def _delete_migration_made_rows(using: str) -> None:
    """Make room for the backup's own content types, permissions and Secretariat group, which
    keep their ids (the admin log, the groups and the users' permissions refer to them)."""
    Group.objects.using(using).filter(name=SECRETARIAT).delete()
    Permission.objects.using(using).all().delete()
    ContentType.objects.using(using).all().delete()


def _load_rows(path: Path, using: str) -> None:
    """Insert every row as it was, raw as `loaddata` saves: the models' own save() (which
    guards submitted reports) does not run, timestamps are not renewed, and
    django-simple-history's post_save handler writes no history row."""
    problems: list[str] = []
    with path.open(encoding="utf-8") as stream:
        try:
            for deserialized in serializers.deserialize("jsonl", stream, using=using):
                instance = deserialized.object
                problems.extend(value_problems(instance))
                if not problems:
                    _insert(instance, using)
        except DeserializationError as error:
            raise BackupError(f"{DATA_FILE} could not be read: {error}") from None
    _refuse_problems(problems, "Nothing was restored")


def _insert(instance: models.Model, using: str) -> None:
    try:
        models.Model.save_base(instance, using=using, raw=True, force_insert=True)
    except DatabaseError as error:
        raise BackupError(
            f"{instance._meta.db_table} row {instance.pk!r} ({instance._meta.label}) could not "
            f"be inserted: {error}. Nothing was restored."
        ) from None


def _check_constraints(using: str) -> None:
    connection = connections[using]
    tables = [model._meta.db_table for model in database_models(using)]
    try:
        connection.check_constraints(table_names=tables)
    except IntegrityError as error:
        raise BackupError(f"The backup's rows refer to rows it lacks: {error}") from None


def _refuse_other_row_counts(manifest: dict, using: str) -> None:
    """Every table now holds exactly the backup's rows: no signal wrote a row of its own."""
    expected = manifest["rows"]
    differences = []
    for model in backed_up_models(using):
        label = model._meta.label_lower
        count = model._base_manager.using(using).count()
        if count != expected.get(label, 0):
            differences.append(f"{label}: {count} rows, the backup has {expected.get(label, 0)}")
    if differences:
        raise BackupError(
            "After loading, these tables do not hold what the backup holds: "
            + "; ".join(differences)
            + ". Nothing was restored."
        )


def _reset_sequences(using: str) -> None:
    """The rows came with their ids; PostgreSQL's sequences must start after them, or the
    next new row would take an id in use. (SQLite follows the largest id by itself. A
    sequence is not rolled back with a failed restore: the empty database's next ids are then
    higher, which harms nothing.)"""
    connection = connections[using]
    statements = connection.ops.sequence_reset_sql(no_style(), database_models(using))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _restore_media(directory: Path, manifest: dict, media_root: Path, written: list) -> None:
    permissions = settings.FILE_UPLOAD_PERMISSIONS
    for name, entry in sorted(manifest["files"].items()):
        if name == DATA_FILE:
            continue
        destination = media_root.joinpath(*_member(name).parts[1:])
        written.append(destination)
        if _copy_file(directory / name, destination)["sha256"] != entry["sha256"]:
            raise BackupError(
                f"{destination} differs from {name} after copying: the disk may be failing. "
                "Nothing was restored."
            )
        if permissions is not None:
            destination.chmod(permissions)


def _remove_restored_media(media_root: Path, written: list[Path], made_media_root: bool) -> None:
    """Undo the copies: MEDIA_ROOT was empty before the restore, so what is left are the
    folders the copies made."""
    for path in written:
        path.unlink(missing_ok=True)
    if not media_root.is_dir():
        return
    for folder, _, _ in sorted(os.walk(media_root), reverse=True):
        if Path(folder) != media_root and not any(Path(folder).iterdir()):
            Path(folder).rmdir()
    if made_media_root and not any(media_root.iterdir()):
        media_root.rmdir()
