"""`seed_demo` adds believable, clearly marked demonstration data, and `--clear` takes exactly
that away again."""

import datetime
import itertools

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth import authenticate
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.test import RequestFactory
from django.utils import timezone

from commitments import demo
from commitments.models import (
    Comment,
    Commitment,
    EvidenceFile,
    ExpertGroup,
    ExpertMeeting,
    MinisterialMeeting,
    Official,
    Paragraph,
    Participant,
    ProgressReport,
)
from commitments.services.comments import comment_add
from commitments.services.reports import report_save
from commitments.status import counted_reports
from tests.conftest import make_correction, make_report


def login_request():
    """django-axes checks every login against its request (address, path)."""
    return RequestFactory().post("/accounts/login/")


pytestmark = pytest.mark.django_db

HistoricalReport = ProgressReport.history.model
DEMO_USERNAMES = {"demo-secretariat", "demo-official-idn", "demo-official-tha"}
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


def reported_pairs() -> set[tuple[int, int]]:
    return set(
        ProgressReport.objects.submitted()
        .filter(is_demo=True)
        .values_list("participant", "commitment")
        .distinct()
    )


def test_it_reports_on_every_tracked_pair(capsys):
    output = seed(capsys)

    assert len(tracked_pairs()) == 38 * 7
    assert reported_pairs() == tracked_pairs()
    assert "Left without any report" not in output


def test_with_gaps_it_leaves_a_few_pairs_without_any_report(capsys):
    output = seed(capsys, "--gaps")

    gaps = tracked_pairs() - reported_pairs()
    assert 2 <= len(gaps) <= 2 * 3  # two participants leave two or three commitments each
    assert len({participant for participant, _ in gaps}) == 2
    # A gap has no report at all, not even a draft.
    assert not ProgressReport.objects.filter(
        Q(*(Q(participant=p, commitment=c) for p, c in gaps), _connector=Q.OR)
    ).exists()
    assert "Left without any report, on purpose (--gaps): " in output
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
    assert not Group.objects.filter(name="Demonstration accounts").exists()
    assert Group.objects.filter(name="Secretariat").exists()
    assert User.objects.count() == users
    assert Official.objects.count() == officials
    assert Official.history.model.objects.count() == official_history


def test_clear_keeps_a_demo_account_that_real_reports_refer_to(capsys, indonesia):
    seed(capsys)
    official = User.objects.get(username="demo-official-idn")
    real = make_report(indonesia, user=official, narrative="Entered while trying the app.")

    output = seed(capsys, "--clear")

    assert "Kept the account demo-official-idn: reports or comments" in output
    assert list(ProgressReport.objects.all()) == [real]
    assert Official.objects.get(user=official).participant == indonesia
    assert set(
        User.objects.filter(username__startswith="demo-").values_list("username", flat=True)
    ) == {"demo-official-idn"}
    # Still a demo account: a later --clear may remove it once nothing refers to it.
    official.refresh_from_db()
    assert official.is_active
    assert official.groups.filter(name="Demonstration accounts").exists()


def test_clear_leaves_users_outside_the_demo_accounts_group_alone(capsys, official_of_indonesia):
    visitor = User.objects.create_user("demo-visitor", password="chosen earlier")
    seed(capsys)

    seed(capsys, "--clear")

    assert set(User.objects.filter(username__in=["siti", "demo-visitor"])) == {
        official_of_indonesia,
        visitor,
    }
    assert Official.objects.filter(user=official_of_indonesia).exists()
    assert authenticate(login_request(), username="demo-visitor", password="chosen earlier")


def test_clear_removes_comments_and_files_on_demo_reports_but_not_their_authors(
    capsys, official_of_indonesia, indonesia
):
    seed(capsys)
    report = ProgressReport.objects.submitted().filter(is_demo=True, participant=indonesia)[0]
    comment = comment_add(
        report=report, user=official_of_indonesia, kind="reply", body="Seen, thank you."
    )
    evidence = EvidenceFile(
        report=report,
        file="evidence/demo/law.pdf",
        original_name="law.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=official_of_indonesia,
    )
    evidence._history_user = official_of_indonesia
    evidence.save()
    real = make_report(indonesia, "17b", user=official_of_indonesia, narrative="Real.")
    real_comment = comment_add(
        report=real, user=official_of_indonesia, kind="reply", body="About a real report."
    )

    output = seed(capsys, "--clear")

    assert "1 review comments and 1 evidence files on demonstration reports" in output
    assert list(ProgressReport.objects.all()) == [real]
    assert list(Comment.objects.all()) == [real_comment]
    assert not Comment.history.filter(id=comment.pk).exists()
    assert Comment.history.filter(id=real_comment.pk).exists()
    assert not EvidenceFile.objects.exists()
    assert not EvidenceFile.history.filter(id=evidence.pk).exists()
    assert User.objects.get(pk=official_of_indonesia.pk).is_active
    assert Official.objects.get(user=official_of_indonesia).participant == indonesia
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()


def test_clear_deletes_the_stored_files_of_demo_evidence_once_committed(
    capsys, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    seed(capsys)
    report = ProgressReport.objects.submitted().filter(is_demo=True)[0]
    evidence = EvidenceFile(report=report, original_name="law.pdf",
                            content_type="application/pdf", size=4)  # fmt: skip
    evidence.file.save("law.pdf", ContentFile(b"%PDF"))
    stored = tmp_path / evidence.file.name
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        seed(capsys, "--clear")

    assert not stored.exists()


@pytest.mark.parametrize("record", ["report", "official"])
def test_clear_deactivates_a_demo_account_named_in_real_history(
    capsys, official_of_indonesia, indonesia, record
):
    seed(capsys, "--password", "demo pass")
    secretariat = User.objects.get(username="demo-secretariat")
    if record == "report":
        # The demo secretariat edits a real official's draft: a real history row names it.
        draft = make_report(indonesia, submitted=False, user=official_of_indonesia)
        draft.narrative = "Edited by the secretariat."
        report_save(report=draft, user=secretariat)
        history = ProgressReport.history.filter(id=draft.pk)
    else:
        official = Official.objects.get(user=official_of_indonesia)
        official.title = "Ministry of Foreign Affairs"
        official._history_user = secretariat
        official.save()
        history = Official.history.filter(id=official.pk)
    named = history.filter(history_user=secretariat).count()
    assert named >= 1

    output = seed(capsys, "--clear")

    assert "Kept the account demo-secretariat but deactivated it" in output
    assert "2 demo accounts" in output
    secretariat.refresh_from_db()
    assert not secretariat.is_active
    assert not secretariat.has_usable_password()
    assert authenticate(login_request(), username="demo-secretariat", password="demo pass") is None
    assert history.filter(history_user=secretariat).count() == named
    assert set(User.objects.filter(username__in=DEMO_USERNAMES)) == {secretariat}
    assert secretariat.groups.filter(name="Demonstration accounts").exists()
    assert not ProgressReport.objects.filter(is_demo=True).exists()


def test_clear_deletes_a_demo_account_named_only_in_another_demo_accounts_history(capsys):
    seed(capsys)
    secretariat = User.objects.get(username="demo-secretariat")
    official = Official.objects.get(user__username="demo-official-idn")
    official.title = "Edited by the demo secretariat"
    official._history_user = secretariat
    official.save()

    output = seed(capsys, "--clear")

    assert "3 demo accounts" in output
    assert not User.objects.filter(username__in=DEMO_USERNAMES).exists()
    assert not Official.history.filter(id=official.pk).exists()


def test_clear_deactivates_a_demo_account_in_the_admin_log_of_real_data(capsys, superuser):
    seed(capsys)
    secretariat = User.objects.get(username="demo-secretariat")
    entry = LogEntry.objects.create(
        user=secretariat,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(superuser.pk),
        object_repr="root",
        action_flag=ADDITION,
    )

    output = seed(capsys, "--clear")

    assert "Kept the account demo-secretariat but deactivated it" in output
    assert LogEntry.objects.get(pk=entry.pk).user == secretariat
    assert not User.objects.get(pk=secretariat.pk).is_active


def test_clear_refuses_while_a_real_correction_refers_to_demo_data(capsys):
    seed(capsys)
    original = counted_reports().filter(is_demo=True).first()
    make_correction(original=original, user=None, narrative="Real.")
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


def test_it_refuses_to_take_over_a_user_with_a_demo_username(capsys):
    user = User.objects.create_user("demo-official-tha", password="chosen earlier")
    groups = Group.objects.count()

    with pytest.raises(CommandError, match="demo-official-tha") as error:
        call_command("seed_demo", "--password", "new")

    assert "nothing was added" in str(error.value)
    assert not ProgressReport.objects.exists()
    assert not User.objects.filter(username__in=DEMO_USERNAMES - {"demo-official-tha"}).exists()
    assert Group.objects.count() == groups
    user.refresh_from_db()
    assert not user.is_staff
    assert not user.groups.exists()
    assert not Official.objects.filter(user=user).exists()
    assert (
        authenticate(login_request(), username="demo-official-tha", password="chosen earlier")
        is not None
    )


def test_a_demo_account_kept_by_clear_keeps_its_password_when_seeding_again(capsys, indonesia):
    seed(capsys, "--password", "first")
    official = User.objects.get(username="demo-official-idn")
    make_report(indonesia, user=official, narrative="Entered while trying the app.")
    seed(capsys, "--clear")

    output = seed(capsys, "--password", "second")

    assert "demo-official-idn  (kept from before; password unchanged)" in output
    assert authenticate(login_request(), username="demo-official-idn", password="first")
    assert authenticate(login_request(), username="demo-official-tha", password="second")
    assert Official.objects.get(user=official).participant == indonesia


def test_a_deactivated_demo_account_gets_a_new_password_when_seeding_again(capsys, superuser):
    seed(capsys, "--password", "first")
    secretariat = User.objects.get(username="demo-secretariat")
    LogEntry.objects.create(user=secretariat, content_type=ContentType.objects.get_for_model(User),
                            object_id=str(superuser.pk), object_repr="root",
                            action_flag=ADDITION)  # fmt: skip
    seed(capsys, "--clear")

    output = seed(capsys, "--password", "second")

    assert passwords_in(output)["demo-secretariat"] == "second"
    secretariat.refresh_from_db()
    assert secretariat.is_active
    assert authenticate(login_request(), username="demo-secretariat", password="second")


def test_the_demo_accounts_are_in_the_demonstration_accounts_group(capsys):
    seed(capsys)
    group = Group.objects.get(name="Demonstration accounts")
    assert set(group.user_set.values_list("username", flat=True)) == DEMO_USERNAMES


def test_the_demo_secretariat_is_staff_in_the_secretariat_group(capsys):
    seed(capsys)
    user = User.objects.get(username="demo-secretariat")
    assert user.is_staff
    assert not user.is_superuser
    assert set(user.groups.values_list("name", flat=True)) == {
        "Secretariat",
        "Demonstration accounts",
    }


def test_the_demo_officials_report_for_indonesia_and_thailand(capsys, indonesia, thailand):
    seed(capsys)
    assert Official.objects.get(user__username="demo-official-idn").participant == indonesia
    assert Official.objects.get(user__username="demo-official-tha").participant == thailand
