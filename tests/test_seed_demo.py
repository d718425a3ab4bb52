"""`seed_demo` adds believable, clearly marked demonstration data, and `--clear` takes exactly
that away again."""

import datetime
import itertools

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import RequestFactory
from django.utils import timezone

from commitments import demo, services
from commitments.models import (
    Commitment,
    ExpertGroup,
    ExpertMeeting,
    MinisterialMeeting,
    Official,
    Paragraph,
    Participant,
    ProgressReport,
)
from commitments.status import counted_reports
from tests.conftest import make_report


def login_request():
    """django-axes checks every login against its request (address, path)."""
    return RequestFactory().post("/accounts/login/")


pytestmark = pytest.mark.django_db

HistoricalReport = ProgressReport.history.model
REFERENCE_MODELS = [
    Participant,
    Paragraph,
    Commitment,
    MinisterialMeeting,
    ExpertGroup,
    ExpertMeeting,
]


def seed(capsys, *args) -> str:
    call_command("seed_demo", *args)
    return capsys.readouterr().out


def passwords_in(output: str) -> dict[str, str]:
    """The password column of the accounts table, by username."""
    rows = [line.split() for line in output.splitlines() if line.startswith("  demo-")]
    return {row[0]: row[1] for row in rows}


def tracked_pairs() -> set[tuple[int, int]]:
    participants = Participant.objects.tracked().values_list("pk", flat=True)
    commitments = Commitment.objects.tracked().values_list("pk", flat=True)
    return set(itertools.product(participants, commitments))


def demo_rows():
    return list(
        ProgressReport.objects.filter(is_demo=True)
        .order_by("participant__name", "commitment__code", "as_of", "pk")
        .values_list(
            "participant__name",
            "commitment__code",
            "as_of",
            "status",
            "narrative",
            "state",
            "evidence_links",
            "confidence",
            "submitted_at",
            "corrects__as_of",
        )
    )


# What it adds ------------------------------------------------------------------------------------


def test_it_reports_on_every_tracked_pair_but_a_few_deliberate_gaps(capsys):
    output = seed(capsys)

    reported = set(
        ProgressReport.objects.submitted()
        .filter(is_demo=True)
        .values_list("participant", "commitment")
        .distinct()
    )
    gaps = tracked_pairs() - reported
    assert len(tracked_pairs()) == 38 * 7
    assert 2 <= len(gaps) <= 2 * 3  # two participants leave two or three commitments each
    assert len({participant for participant, _ in gaps}) == 2
    # A gap has no report at all, not even a draft.
    assert not ProgressReport.objects.filter(
        Q(*(Q(participant=p, commitment=c) for p, c in gaps), _connector=Q.OR)
    ).exists()
    for participant, commitment in gaps:
        name = Participant.objects.get(pk=participant).short_name
        code = Commitment.objects.get(pk=commitment).code
        assert f"{name} on {code}" in output


def test_every_report_is_marked_as_demonstration_data_and_is_valid(capsys):
    seed(capsys)

    reports = list(ProgressReport.objects.select_related("corrects"))
    assert 500 <= len(reports) <= 900
    # full_clean() refuses any report already stored as submitted, so those are validated
    # field by field and against the database constraints instead.
    with pytest.raises(ValidationError, match="cannot be changed"):
        next(r for r in reports if r.is_submitted).full_clean()
    for report in reports:
        assert report.is_demo
        assert report.source == "Demonstration data (seed_demo)"
        assert all(url.startswith("https://example.org/") for url in report.evidence_urls)
        if report.is_submitted:
            report.clean_fields()
            report.validate_constraints()
            assert report.created_at <= report.submitted_at <= timezone.now()
            assert report.submitted_at.date() >= report.as_of
        else:
            report.full_clean()
            assert report.submitted_at is None


def test_every_report_speaks_for_a_date_in_2002_to_2004(capsys):
    seed(capsys)

    dates = ProgressReport.objects.values_list("as_of", flat=True)
    assert min(dates) >= datetime.date(2002, 2, 26)
    assert max(dates) <= min(datetime.date(2004, 12, 31), timezone.localdate())


def test_each_pair_has_a_short_history_that_moves_forward(capsys):
    seed(capsys)

    levels = [s.value for s in demo.LEVELS]
    pairs = itertools.groupby(
        counted_reports()
        .filter(is_demo=True)
        .order_by("participant", "commitment", "as_of")
        .values_list("participant", "commitment", "as_of", "status"),
        key=lambda row: row[:2],
    )
    lengths = []
    for _, rows in pairs:
        rows = list(rows)
        lengths.append(len(rows))
        dates = [row[2] for row in rows]
        assert dates == sorted(set(dates))  # strictly increasing
        statuses = [row[3] for row in rows]
        if "not_applicable" in statuses:
            assert set(statuses) == {"not_applicable"}
        else:
            # Corrections may adjust a status, but only within its neighbours.
            positions = [levels.index(status) for status in statuses]
            assert positions == sorted(positions)
    assert min(lengths) == 1
    assert max(lengths) == 4
    statuses = ProgressReport.objects.values_list("status", flat=True)
    assert {"not_started", "limited", "substantial", "complete", "not_applicable"} <= set(statuses)
    assert list(statuses).count("not_applicable") < len(statuses) / 20


def test_every_report_has_its_history_row(capsys):
    seed(capsys)

    history = HistoricalReport.objects.filter(is_demo=True)
    assert history.count() == ProgressReport.objects.count()
    assert set(history.values_list("id", flat=True)) == set(
        ProgressReport.objects.values_list("pk", flat=True)
    )
    assert set(history.values_list("history_change_reason", flat=True)) == {
        "Demonstration data (seed_demo)"
    }


def test_some_reports_are_corrected_and_the_corrections_supersede_them(capsys):
    seed(capsys)

    corrections = list(
        ProgressReport.objects.submitted().filter(corrects__isnull=False).select_related("corrects")
    )
    pairs = {(c.participant_id, c.commitment_id) for c in corrections}
    assert 0.03 * 38 * 7 <= len(pairs) <= 0.07 * 38 * 7
    counted = set(counted_reports().values_list("pk", flat=True))
    for correction in corrections:
        original = correction.corrects
        assert original.is_submitted
        assert (original.participant_id, original.commitment_id) == (
            correction.participant_id,
            correction.commitment_id,
        )
        assert correction.submitted_at > original.submitted_at
        assert correction.pk in counted
        assert original.pk not in counted


def test_a_few_drafts_exist_and_are_not_counted(capsys):
    seed(capsys)

    drafts = list(ProgressReport.objects.drafts().select_related("participant", "created_by"))
    assert len(drafts) == 3
    assert {d.created_by.username for d in drafts} >= {"demo-official-idn", "demo-official-tha"}
    counted = counted_reports()
    for draft in drafts:
        assert not counted.filter(pk=draft.pk).exists()
        latest = counted.filter(participant=draft.participant, commitment=draft.commitment)
        latest = latest.order_by("-as_of").first()
        # Newer than the pair's latest report, with another status: a page that showed the
        # draft would show the wrong status.
        assert draft.as_of > latest.as_of
        assert draft.status != latest.status


# Seeds and scale ---------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data(capsys):
    seed(capsys, "--seed", "7")
    first = demo_rows()
    seed(capsys, "--clear")
    seed(capsys, "--seed", "7")
    assert demo_rows() == first


def test_another_seed_gives_other_data(capsys):
    seed(capsys)
    default = demo_rows()
    seed(capsys, "--clear")
    seed(capsys, "--seed", "7")
    assert demo_rows() != default


def test_scale_multiplies_the_history(capsys):
    seed(capsys)
    single = ProgressReport.objects.submitted().count()
    seed(capsys, "--clear")
    seed(capsys, "--scale", "3")
    triple = ProgressReport.objects.submitted().count()
    assert 2.8 * single <= triple <= 3.2 * single
    dates = ProgressReport.objects.values_list("as_of", flat=True)
    assert datetime.date(2002, 2, 26) <= min(dates)
    assert max(dates) <= timezone.localdate()
    duplicates = (
        counted_reports()
        .values("participant", "commitment", "as_of")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not duplicates.exists()


def test_it_refuses_a_scale_out_of_range():
    with pytest.raises(CommandError, match="--scale"):
        call_command("seed_demo", "--scale", "0")
    assert not ProgressReport.objects.exists()


# Running it again --------------------------------------------------------------------------------


def test_it_refuses_to_run_twice_without_clear(capsys):
    seed(capsys)
    reports, users = ProgressReport.objects.count(), User.objects.count()

    with pytest.raises(CommandError, match="seed_demo --clear"):
        call_command("seed_demo")

    assert ProgressReport.objects.count() == reports
    assert User.objects.count() == users


def test_if_empty_does_nothing_when_demo_data_is_present(capsys):
    seed(capsys)
    reports = ProgressReport.objects.count()

    output = seed(capsys, "--if-empty")

    assert output == "Demonstration data already present; nothing added.\n"
    assert ProgressReport.objects.count() == reports


def test_if_empty_seeds_an_empty_database(capsys):
    output = seed(capsys, "--if-empty")
    assert "Added demonstration data" in output
    assert ProgressReport.objects.filter(is_demo=True).exists()


# Clearing ----------------------------------------------------------------------------------------


def test_clear_removes_exactly_the_demonstration_data(capsys, indonesia):
    real = make_report(indonesia, "17b", narrative="A real report.")
    real_history = list(real.history.values_list("history_id", flat=True))
    reference = {model: model.objects.count() for model in REFERENCE_MODELS}
    users = User.objects.count()
    officials = Official.objects.count()
    official_history = Official.history.model.objects.count()
    seed(capsys)
    demo_reports = ProgressReport.objects.filter(is_demo=True).count()

    output = seed(capsys, "--clear")

    assert f"Removed {demo_reports} demonstration reports, 3 demo accounts" in output
    assert list(ProgressReport.objects.all()) == [real]
    assert list(real.history.values_list("history_id", flat=True)) == real_history
    assert not HistoricalReport.objects.filter(is_demo=True).exists()
    assert {model: model.objects.count() for model in REFERENCE_MODELS} == reference
    assert not User.objects.filter(username__startswith="demo-").exists()
    assert User.objects.count() == users
    assert Official.objects.count() == officials
    assert Official.history.model.objects.count() == official_history


def test_clear_keeps_a_demo_account_that_real_reports_refer_to(capsys, indonesia):
    seed(capsys)
    official = User.objects.get(username="demo-official-idn")
    real = make_report(indonesia, user=official, narrative="Entered while trying the app.")

    output = seed(capsys, "--clear")

    assert "Kept the account demo-official-idn" in output
    assert list(ProgressReport.objects.all()) == [real]
    assert Official.objects.get(user=official).participant == indonesia
    assert set(
        User.objects.filter(username__startswith="demo-").values_list("username", flat=True)
    ) == {"demo-official-idn"}


def test_clear_refuses_while_a_real_correction_refers_to_demo_data(capsys):
    seed(capsys)
    original = counted_reports().filter(is_demo=True).first()
    services.report_start_correction(original=original, user=None, narrative="Real.")
    reports = ProgressReport.objects.count()

    with pytest.raises(CommandError, match="nothing was removed"):
        call_command("seed_demo", "--clear")

    assert ProgressReport.objects.count() == reports


# Demo accounts -----------------------------------------------------------------------------------


def test_it_prints_random_passwords_once(capsys):
    output = seed(capsys)
    first = passwords_in(output)
    assert set(first) == {"demo-secretariat", "demo-official-idn", "demo-official-tha"}
    assert "demonstration accounts" in output
    for username, password in first.items():
        assert output.count(password) == 1
        assert authenticate(login_request(), username=username, password=password) is not None

    seed(capsys, "--clear")
    second = passwords_in(seed(capsys))
    assert len(set(first.values()) | set(second.values())) == 6


def test_a_given_password_lets_the_demo_users_log_in(capsys):
    seed(capsys, "--password", "demo pass 2002")
    for username in ["demo-secretariat", "demo-official-idn", "demo-official-tha"]:
        assert (
            authenticate(login_request(), username=username, password="demo pass 2002") is not None
        )


def test_existing_demo_accounts_keep_their_passwords(capsys, thailand):
    User.objects.create_user("demo-official-tha", password="chosen earlier")

    output = seed(capsys, "--password", "new")

    assert "already exists; password unchanged" in output
    assert (
        authenticate(login_request(), username="demo-official-tha", password="chosen earlier")
        is not None
    )
    assert authenticate(login_request(), username="demo-official-tha", password="new") is None
    assert Official.objects.get(user__username="demo-official-tha").participant == thailand


def test_the_demo_secretariat_is_staff_in_the_secretariat_group(capsys):
    seed(capsys)
    user = User.objects.get(username="demo-secretariat")
    assert user.is_staff
    assert not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == ["Secretariat"]


def test_the_demo_officials_report_for_indonesia_and_thailand(capsys, indonesia, thailand):
    seed(capsys)
    assert Official.objects.get(user__username="demo-official-idn").participant == indonesia
    assert Official.objects.get(user__username="demo-official-tha").participant == thailand
