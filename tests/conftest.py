"""Named users and small `make_*` helpers shared by the tests.

The reference data (the statement, its participants, the known history) is loaded once per
test session into the test database; each test runs in a transaction that is rolled back.
"""

import datetime

import pytest
from django.contrib.auth.models import User

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


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Deliberately slow hashing is for production; here it only slows every login down.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
