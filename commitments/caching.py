"""What pages may keep in the cache, and the data version that keeps it true.

Every write to the domain's tables (a service, the admin, a command, a restore) changes the
data version's token in the same transaction, through the signals connected below (bulk
writes, which send no signals, call `bump()` or `bulk_written()` themselves). Cached
fragments and documents are keyed on the token, so a page never shows what the data no
longer says: the first request after a write misses and rebuilds. Old entries are never
deleted, only no longer asked for; the cache's own limits and the timeout below make room.

Why inside the writing transaction rather than after it commits: the new token is then
visible exactly when the write is (no moment where the data has changed and the token has
not), and a transaction, or a test, sees its own bump. The cost: the token's row stays
locked from a transaction's first write to its commit, so concurrent writes queue on it.
Writes here are few (the officials of 38 participants and a secretariat), and most take
their own row locks before they write; the races tests (tests/test_races.py) run
concurrent writes against each other on PostgreSQL.

A page reads the token once (the context processor's `data_version`, lazily) before it
reads the data, so that a fragment rebuilt from newer data than its key says is harmless:
the key is already out of date and nobody asks for it again.

Only what is the same for everyone who may see it is cached: the matrix, the counts, the
charts, the lists built from them. Anything per user (the navigation, messages, an
official's workspace, drafts) stays outside, and every key names the language.
"""

import hashlib
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone, translation

# Seconds an entry lives at most: entries of an old version are garbage to be dropped.
TIMEOUT = 6 * 60 * 60
APP_LABEL = "commitments"
# Written with the data they accompany, never shown on a cached page, or made from the data
# (a prepared document changing the version would make itself out of date), or not data
# until applied (an uploaded import: its reports, once applied, change the version); API
# tokens are accounts' keys, and preferences accounts' choices, not data any page shows.
NOT_DATA = {
    "outgoingemail",
    "dataversion",
    "prepareddocument",
    "reportimport",
    "apitoken",
    "accountpreference",
}


def data_version() -> str:
    """The current token: one query by primary key."""
    from commitments.models import DataVersion

    token = DataVersion.objects.filter(pk=1).values_list("token", flat=True).first()
    if token is None:
        # The row is made by a migration; a flushed database (some tests) has none.
        token = DataVersion.objects.get_or_create(pk=1)[0].token
    return str(token)


def bump(using: str = DEFAULT_DB_ALIAS) -> None:
    """A new token: everything cached so far is out of date."""
    from commitments.models import DataVersion

    rows = DataVersion.objects.using(using)
    if not rows.filter(pk=1).update(token=uuid.uuid4(), changed_at=timezone.now()):
        rows.get_or_create(pk=1)


# The databases whose bump waits for the end of a one_bump() block (None: not in one).
_deferred_bumps: ContextVar[set[str] | None] = ContextVar("deferred_bumps", default=None)


@contextmanager
def one_bump():
    """Within this block, the writes change the token once, at its end, rather than once
    each (an import of 10,000 reports: one write of the token, not 10,000 writes of one row,
    which PostgreSQL makes slower with each, all versions of it being kept until commit).
    Only inside the writes' transaction, so that the token still changes with them."""
    if not connection.in_atomic_block:
        raise RuntimeError("one_bump() is for writes in one transaction")
    token = _deferred_bumps.set(set())
    try:
        yield
        pending = _deferred_bumps.get()
    finally:
        _deferred_bumps.reset(token)
    for using in sorted(pending):
        bump(using)


def cache_key(name: str, version: str, *vary) -> str:
    """A key naming the fragment, the data version, the language and what it varies on."""
    parts = [name, str(version), translation.get_language() or "", *map(str, vary)]
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"followup:{name}:{digest}"


def cached(name: str, version: str, *vary, build):
    """The value cached under (name, version, language, vary), built by `build()` if
    missing. `version` is read by the caller before anything `build` reads."""
    key = cache_key(name, version, *vary)
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def _is_data(model) -> bool:
    meta = model._meta
    return (
        meta.app_label == APP_LABEL
        and meta.model_name not in NOT_DATA
        # django-simple-history's rows are written with the row they describe.
        and not meta.model_name.startswith("historical")
    )


def bulk_written(using: str = DEFAULT_DB_ALIAS) -> None:
    """A bulk write, which sends no signal, changed data: the token changes as a save's
    signal would change it (now, or at the end of the one_bump() block it is in)."""
    _bump_now_or_at_block_end(using)


def _bump_on_write(sender, using=DEFAULT_DB_ALIAS, **kwargs):
    _bump_now_or_at_block_end(using)


def _bump_on_m2m_change(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"}:
        _bump_now_or_at_block_end(using)


def _bump_now_or_at_block_end(using: str) -> None:
    pending = _deferred_bumps.get()
    if pending is None:
        bump(using)
    else:
        pending.add(using)


def data_models() -> list[type[models.Model]]:
    """The models whose writes change the data version."""
    return [model for model in apps.get_app_config(APP_LABEL).get_models() if _is_data(model)]


def connect_signals() -> None:
    """Called once, by the app's ready(). Connected per model (not for every sender), so that
    other apps' bulk deletes (sessions, lockouts) keep Django's fast path."""
    for model in data_models():
        post_save.connect(_bump_on_write, sender=model, dispatch_uid=f"version-save-{model}")
        post_delete.connect(_bump_on_write, sender=model, dispatch_uid=f"version-del-{model}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            m2m_changed.connect(
                _bump_on_m2m_change, sender=through, dispatch_uid=f"version-m2m-{through}"
            )
