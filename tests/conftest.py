"""Named users, a logged-in client per role, and small helpers shared by the tests: reading a
page (`page_text`, `page_html`, `messages_of`), counting its queries (`count_queries`, the one
way query counts are pinned), and `make_*` helpers that write through the real code.

The reference data (the statement, its participants, the known history) is loaded once per
test session into the test database; each test runs in a transaction that is rolled back.
"""

import datetime
import html

import pytest
from django.contrib.auth.models import User
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.html import strip_tags

from commitments.management.commands.load_reference import load_reference_fixtures
from commitments.models import Commitment, Official, Participant, ProgressReport


def pytest_collection_modifyitems(items):
    """Browser tests last: their live server empties the database after each test, and the
    other tests rely on the reference data loaded once for the session."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_fixtures()


@pytest.fixture
def refilled_after_flush(django_db_blocker):
    """For a test on a live server or any transactional test, set up before it: its database
    is emptied after the test, so this puts back what the migrations and the session's setup
    left (the Secretariat group, the data version, the reference data) for the tests that
    follow on the same worker."""
    yield
    from commitments.caching import data_version
    from commitments.roles import ensure_secretariat_group

    with django_db_blocker.unblock():
        ensure_secretariat_group()
        data_version()  # makes the data version's row
        load_reference_fixtures()


@pytest.fixture(autouse=True)
def _empty_cache():
    """The throttles count in the cache: each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


# Background tasks ---------------------------------------------------------------------------

# The tests run tasks at once (pyproject's TASKS_BACKEND); these tests queue them in the
# database instead, as production does, and run the worker themselves.
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS


def run_worker():
    """The worker, once through the queue (`manage.py db_worker --batch`)."""
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay", verbosity=0)


@pytest.fixture(autouse=True)
def _prepared_documents_in_a_folder_of_their_own(settings, tmp_path):
    settings.PREPARED_ROOT = str(tmp_path / "prepared")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Deliberately slow hashing is for production; here it only slows every login down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def quick_pdf(monkeypatch):
    """The PDF for Ministers laid out without WeasyPrint (about 2 s a time), for tests about
    who gets it or what goes into it; its layout is test_ministers_pdf.py's."""
    monkeypatch.setattr("commitments.documents.render_pdf", lambda html, base_url: b"%PDF-1.4")


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.org", "correct horse battery")


@pytest.fixture
def indonesia(db):
    return Participant.objects.get(iso3="IDN")


@pytest.fixture
def thailand(db):
    return Participant.objects.get(iso3="THA")


@pytest.fixture
def official_of_indonesia(db, indonesia):
    user = User.objects.create_user("siti", "siti@example.org", "correct horse battery")
    Official.objects.create(user=user, participant=indonesia)
    return user


def make_report(participant, commitment_code="17a", *, submitted=True, user=None, **fields):
    """A progress report, submitted unless asked otherwise, written straight to the database."""
    from django.utils import timezone

    fields.setdefault("status", ProgressReport.Status.LIMITED)
    fields.setdefault("as_of", datetime.date(2003, 1, 15))
    fields.setdefault("narrative", "An inter-agency working group was set up.")
    report = ProgressReport(
        participant=participant,
        commitment=Commitment.objects.get(code=commitment_code),
        created_by=user,
        **fields,
    )
    if submitted:
        report.state = ProgressReport.State.SUBMITTED
        report.submitted_at = timezone.now()
        report.submitted_by = user
    report.save()
    return report


def make_correction(*, original, user, **changes):
    """A draft correction of a submitted report, prefilled from it with `changes`, saved
    through the reports service as the workspace's "Correct" does."""
    from commitments.services.reports import correction_draft, report_save

    correction = correction_draft(original)
    for name, value in changes.items():
        setattr(correction, name, value)
    return report_save(report=correction, user=user, copy_files_from=original)


@pytest.fixture
def secretariat_user(db):
    """A member of the secretariat: staff, in the Secretariat group (made by a migration)."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user(
        "amir", "amir@example.org", "correct horse battery", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Secretariat"))
    return user


# Officials of the workspace, comment and account tests ------------------------------------------


@pytest.fixture
def second_official_of_indonesia(db, indonesia):
    """Another focal point of the same participant: shares its drafts."""
    user = User.objects.create_user("budi", "budi@example.org", "correct horse battery")
    Official.objects.create(user=user, participant=indonesia)
    return user


@pytest.fixture
def official_of_thailand(db, thailand):
    user = User.objects.create_user("somchai", "somchai@example.org", "correct horse battery")
    Official.objects.create(user=user, participant=thailand)
    return user


@pytest.fixture
def user_without_participant(db):
    """Logged in, but not linked to any participant by an Official record."""
    return User.objects.create_user("nobody", "nobody@example.org", "correct horse battery")


@pytest.fixture(autouse=True)
def _keep_the_test_connection_open(monkeypatch):
    """A streamed response (a file download) closed outside the test client's guard sends
    request_finished, and Django then closes a connection whose autocommit is off, that is,
    the test's own transaction: on PostgreSQL the rest of the test fails ("the connection is
    closed"; SQLite's in-memory test database ignores the close). Keep the connection while
    the test's transaction is open, as the test client means to."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    close_if_obsolete = BaseDatabaseWrapper.close_if_unusable_or_obsolete

    def keep_within_the_tests_transaction(connection):
        if not connection.in_atomic_block:
            close_if_obsolete(connection)

    monkeypatch.setattr(
        BaseDatabaseWrapper, "close_if_unusable_or_obsolete", keep_within_the_tests_transaction
    )


# Reading a page ----------------------------------------------------------------------------------


def page_html(response) -> str:
    """The page's HTML with its white space squeezed: for asserting on markup."""
    return " ".join(response.content.decode().split())


def page_text(response) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, white space squeezed."""
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


def messages_of(response) -> list[str]:
    """The messages the request queued for the next page (after a redirect, say)."""
    return [str(message) for message in get_messages(response.wsgi_request)]


def get_counting_queries(client, url, data=None):
    """(response, number of queries) of a GET of `url`, which must answer 200."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, data)
    assert response.status_code == 200, f"{url} answered {response.status_code}"
    return response, len(queries)


def count_queries(client, url, data=None) -> int:
    """How many queries a GET of `url` runs (it must answer 200). Tests pin this number, with
    a comment that names each query, and show that it does not grow with the data."""
    return get_counting_queries(client, url, data)[1]


# A logged-in client per role -----------------------------------------------------------------


def client_for(user) -> Client:
    """A client of its own, logged in as `user`: several roles can act in one test."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def siti(official_of_indonesia):
    """The focal-point official of Indonesia, logged in."""
    return client_for(official_of_indonesia)


@pytest.fixture
def somchai(official_of_thailand):
    """The focal-point official of Thailand, logged in."""
    return client_for(official_of_thailand)


@pytest.fixture
def amir(secretariat_user):
    """A member of the secretariat, logged in."""
    return client_for(secretariat_user)


@pytest.fixture
def root(superuser):
    """A superuser, logged in."""
    return client_for(superuser)
