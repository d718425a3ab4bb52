"""Synthetic demonstration data: a made-up history of progress reports and three demo accounts.

Nothing here describes any participant's real progress (no such record is known): every
report is marked `is_demo`, its source says it is demonstration data, and its narrative is a
neutral template about the commitment, never about the country. `clear_demo()` removes
exactly what `seed_demo()` added and never touches the reference data.

The demo accounts are the members of the "Demonstration accounts" group: `seed_demo()` puts
each account it creates there, refuses to run if a user who is not a member already has a
demo username (it never takes over someone's account), and `clear_demo()` removes members
only. An account that real records name (as the author of a report or comment, or as the
user who made a change in a history row or the admin log) is kept, so that those records
still say who did what.

The output is a function of the seed alone: participants and commitments are taken in a fixed
order, and each (participant, commitment) pair draws from its own `random.Random`, seeded from
the seed and the pair's natural keys, so a pair's history does not depend on the database's
primary keys or on the pairs generated before it.
"""

import datetime
import random
import secrets
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import router, transaction
from django.db.models import CharField, ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from commitments.caching import bump
from commitments.models import (
    Comment,
    Commitment,
    Confidence,
    EvidenceFile,
    Official,
    Participant,
    ProgressReport,
)
from commitments.roles import SECRETARIAT

DEFAULT_SEED = 2002
MAX_SCALE = 100
SOURCE = "Demonstration data (seed_demo)"
# Its members are the accounts seed_demo created, and the only ones clear_demo removes.
DEMO_ACCOUNTS_GROUP = "Demonstration accounts"

# Submitted histories speak for dates in this window, whatever the scale: at MAX_SCALE a pair
# has at most 4 * MAX_SCALE reports, fewer than the window's 1,037 days.
FIRST_AS_OF = datetime.date(2002, 3, 1)
LAST_AS_OF = datetime.date(2004, 12, 31)

SECRETARIAT_USERNAME = "demo-secretariat"
# Focal-point officials: (username, ISO 3166 code of the participant they report for).
OFFICIALS = [("demo-official-idn", "IDN"), ("demo-official-tha", "THA")]
DEMO_USERNAMES = [SECRETARIAT_USERNAME, *(username for username, _ in OFFICIALS)]

# With `gaps`, a few pairs are left without any report, to show what an empty cell looks like.
GAP_PARTICIPANTS = 2  # participants left without any report on a few commitments
GAP_COMMITMENTS = (2, 3)  # how many commitments each of them leaves unreported
NOT_APPLICABLE_SHARE = 0.02
CORRECTED_SHARE = 0.05
DRAFTS = 3  # one for each demo official's participant, and one more
EVIDENCE_SHARE = 0.35

Status = ProgressReport.Status
LEVELS = [Status.NOT_STARTED, Status.LIMITED, Status.SUBSTANTIAL, Status.COMPLETE]

# Neutral wording about the commitment's subject, never about the participant (paragraph 19).
NARRATIVES = {
    Status.NOT_STARTED: [
        "Work on {subject} has not yet started; the agencies responsible are being identified.",
        "No measures on {subject} are reported for this period.",
        "Initial consultations on {subject} are being planned.",
    ],
    Status.LIMITED: [
        "An inter-agency working group on {subject} has been set up and has met once.",
        "A first review of existing arrangements for {subject} has been carried out.",
        "Officials took part in regional expert discussions on {subject}; national follow-up "
        "has begun.",
    ],
    Status.SUBSTANTIAL: [
        "Measures on {subject} have been drafted and are applied in part.",
        "A national plan covering {subject} has been adopted; implementation is under way.",
        "Work on {subject} is well advanced; regional partners have been consulted.",
    ],
    Status.COMPLETE: [
        "The planned measures on {subject} are in place and in regular use.",
        "Implementation of the planned measures on {subject} was completed during the period.",
    ],
    Status.NOT_APPLICABLE: [
        "The commitment on {subject} is reported as not applicable in this case.",
    ],
}
UNCHANGED_NARRATIVES = [
    "No change since the previous report on {subject}; work continues as planned.",
    "Work on {subject} continues; no new measures were completed in this period.",
]
CORRECTION_PREFIX = "Corrects the earlier report for this date. "
CONFIDENCES = [Confidence.HIGH, Confidence.MEDIUM_HIGH, Confidence.MEDIUM, Confidence.LOW]
CONFIDENCE_WEIGHTS = [2, 3, 4, 1]


class DemoDataPresent(Exception):
    """Demonstration reports are already in the database."""


class DemoSetupError(Exception):
    """The database lacks something the demonstration data needs, or holds something in its
    way (a user who is not a demo account but has a demo username)."""


@dataclass
class DemoAccount:
    username: str
    role: str
    # None: a demo account kept by an earlier clear_demo(), whose password was kept.
    password: str | None


@dataclass
class DemoResult:
    seed: int
    scale: int
    submitted: int = 0  # including the corrections
    corrections: int = 0
    drafts: int = 0
    history_rows: int = 0
    gaps: list[tuple[str, str]] = field(default_factory=list)  # (participant, commitment code)
    accounts: list[DemoAccount] = field(default_factory=list)


@dataclass
class ClearResult:
    reports: int = 0
    history_rows: int = 0
    comments: int = 0  # review comments on demonstration reports, whoever wrote them
    files: int = 0  # evidence files attached to demonstration reports
    users: int = 0
    officials: int = 0
    kept_users: list[str] = field(default_factory=list)  # real reports or comments refer to them
    # Named as the user who made a change in real history rows or the admin log: kept, so
    # that those still say who it was, but they can no longer log in.
    deactivated_users: list[str] = field(default_factory=list)


def demo_reports():
    return ProgressReport.objects.filter(is_demo=True)


def demo_data_present() -> bool:
    """Whether demonstration reports exist: every page, and the report for Ministers, then
    say so. Answered from an index (`progressreport_is_demo`), since every page asks."""
    return demo_reports().exists()


@transaction.atomic
def seed_demo(
    *, seed: int = DEFAULT_SEED, scale: int = 1, password: str | None = None, gaps: bool = False
) -> DemoResult:
    """Add the demo accounts and a synthetic history of submitted reports for every tracked
    pair; with `gaps`, a few pairs are left without any report. Raises DemoDataPresent if
    demonstration reports already exist, and DemoSetupError (having written nothing) if the
    database is not ready or a user who is not a demo account has a demo username."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"The scale must be between 1 and {MAX_SCALE}.")
    if demo_data_present():
        raise DemoDataPresent
    result = DemoResult(seed=seed, scale=scale)
    secretariat, officials = _demo_accounts(password, result)

    participants = list(Participant.objects.tracked().order_by("name"))
    commitments = list(Commitment.objects.tracked().order_by("code"))
    plan = _plan(random.Random(seed), participants, commitments, gaps=gaps)
    result.gaps = sorted((p.short_name, c.code) for p, c in plan.gaps)

    histories = []
    for participant in participants:
        for commitment in commitments:
            if (participant, commitment) in plan.gaps:
                continue
            pair = _Pair(seed, participant, commitment, officials.get(participant, secretariat))
            pair.build_history(scale, not_applicable=(participant, commitment) in plan.na)
            histories.append(pair)

    originals = ProgressReport.objects.bulk_create(
        [report for pair in histories for report in pair.reports]
    )
    # Corrections point at the originals, whose primary keys bulk_create has just set (on
    # PostgreSQL and SQLite 3.35+; not on databases that cannot return them).
    if originals and originals[0].pk is None:
        raise DemoSetupError("This database does not return the keys of bulk-created rows.")
    corrections = ProgressReport.objects.bulk_create(
        [
            pair.correction_of(report, plan.rng)
            for pair in histories
            if (pair.participant, pair.commitment) in plan.corrected
            for report in plan.rng.sample(pair.reports, min(scale, len(pair.reports)))
        ]
    )
    uncorrected = [p for p in histories if (p.participant, p.commitment) not in plan.corrected]
    drafts = ProgressReport.objects.bulk_create(_drafts(plan.rng, uncorrected, officials))
    created = [*originals, *corrections, *drafts]
    _backdate_updated_at(created)
    history = ProgressReport.history.bulk_history_create(created, default_change_reason=SOURCE)
    bump()  # bulk_create sends no signals

    result.submitted = len(originals) + len(corrections)
    result.corrections = len(corrections)
    result.drafts = len(drafts)
    result.history_rows = len(history)
    return result


@transaction.atomic
def clear_demo() -> ClearResult:
    """Remove the demonstration reports with their comments, files and history rows, and the
    demo accounts (the members of the "Demonstration accounts" group) that nothing real names."""
    result = ClearResult()
    # Admin log entries are deleted with their user; an account whose entries are about
    # anything but demonstration reports has to stay. Decided now, while those reports exist.
    admin_logged = _admin_logged(_demo_accounts_group())

    # Comments and files on demonstration reports go with them, whoever wrote them, and so do
    # their history rows (including the "-" rows the deletes below write). Comments are
    # PROTECT: they go first. Their history rows are found through the reports, so before those.
    on_demo_reports = {"report__is_demo": True}
    stored_files = set(
        EvidenceFile.history.filter(**on_demo_reports).values_list("file", flat=True)
    )
    result.comments = Comment.objects.filter(**on_demo_reports).delete()[0]
    result.files = EvidenceFile.objects.filter(**on_demo_reports).delete()[0]
    for model in (Comment, EvidenceFile):
        result.history_rows += model.history.filter(**on_demo_reports).delete()[0]
    transaction.on_commit(lambda: _delete_stored_files(stored_files))

    # Submitted reports are never deleted by users: the model's delete() refuses it. Demo
    # reports are the one exception (they were never anyone's report), and queryset deletes
    # do not call the model's delete(). `corrects` is PROTECT, so corrections go before the
    # reports they correct. A report that is not demo data but corrects a demo report makes
    # the delete fail with ProtectedError: then nothing is removed.
    uncorrected = ProgressReport.objects.filter(is_demo=True).exclude(corrections__is_demo=True)
    while uncorrected.exists():
        result.reports += uncorrected.delete()[0]
    # The deletes above also wrote "-" history rows, which are demo rows as well.
    result.history_rows += ProgressReport.history.filter(is_demo=True).delete()[0]

    _clear_demo_accounts(admin_logged, result)
    return result


# Clearing the demo accounts ---------------------------------------------------------------------


def _demo_accounts_group() -> Group | None:
    return Group.objects.filter(name=DEMO_ACCOUNTS_GROUP).first()


def _clear_demo_accounts(admin_logged: set[int], result: ClearResult) -> None:
    group = _demo_accounts_group()
    if group is None:
        return
    pending = []
    for user in group.user_set.order_by("username"):
        if _referenced_by_data(user):
            # Someone used the demo account to enter real reports or comments; they stay, and
            # so does it.
            result.kept_users.append(user.username)
        else:
            pending.append(user)

    # Deleting an account deletes its Official's history rows, which may be the only ones
    # naming another demo account (the demo secretariat edited a demo official): go round
    # until no more can go.
    official_history = Official.history.model.objects
    removed = True
    while removed:
        removed = False
        for user in list(pending):
            if user.pk in admin_logged or _named_in_history(user):
                continue
            user_id = user.pk
            deleted = user.delete()[1]
            result.users += 1
            result.officials += deleted.get(Official._meta.label, 0)
            result.history_rows += official_history.filter(user_id=user_id).delete()[0]
            pending.remove(user)
            removed = True

    # Deleting these would blank the "who" of real history rows (history_user is SET_NULL),
    # or delete real admin log entries: they stay, in the group, but cannot log in.
    for user in pending:
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["is_active", "password"])
        result.deactivated_users.append(user.username)

    if not group.user_set.exists():
        group.delete()


def _referenced_by_data(user: User) -> bool:
    """Whether deleting the user is refused: reports, comments or files refer to it."""
    try:
        Collector(using=router.db_for_write(User)).collect([user])
    except (ProtectedError, RestrictedError):
        return True
    return False


def _named_in_history(user: User) -> bool:
    """Whether a history row that is not demonstration data names the user as the one who
    made the change. The demo reports' rows are gone by now, with their comments' and files';
    the rows of the user's own Official go with it."""
    for model in apps.get_models():
        try:
            model._meta.get_field("history_user")
        except FieldDoesNotExist:
            continue  # not a history model
        rows = model.objects.filter(history_user=user)
        if model is ProgressReport.history.model:
            rows = rows.exclude(is_demo=True)
        elif model is Official.history.model:
            rows = rows.exclude(user_id=user.pk)
        if rows.exists():
            return True
    return False


def _admin_logged(group: Group | None) -> set[int]:
    """The demo accounts with admin log entries about anything but demonstration reports."""
    if group is None:
        return set()
    demo_report_ids = ProgressReport.objects.filter(is_demo=True).values_list(
        Cast("pk", CharField())
    )
    about_demo_reports = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgressReport),
        object_id__in=demo_report_ids,
    )
    entries = LogEntry.objects.filter(user__groups=group).exclude(pk__in=about_demo_reports)
    return set(entries.values_list("user_id", flat=True))


def _delete_stored_files(names: set[str]) -> None:
    """Delete the stored files of the demo reports' evidence, unless a file is still named by
    another report's evidence (a correction copies its original's files) or its history."""
    storage = EvidenceFile._meta.get_field("file").storage
    for name in sorted(names):
        if not name:
            continue
        if EvidenceFile.objects.filter(file=name).exists():
            continue
        if EvidenceFile.history.filter(file=name).exists():
            continue
        storage.delete(name)


# The plan: which pairs are left out, not applicable, corrected ----------------------------------


@dataclass
class _Plan:
    rng: random.Random
    gaps: set = field(default_factory=set)
    na: set = field(default_factory=set)
    corrected: set = field(default_factory=set)


def _plan(rng: random.Random, participants, commitments, *, gaps: bool) -> _Plan:
    plan = _Plan(rng=rng)
    if gaps:
        for participant in rng.sample(participants, GAP_PARTICIPANTS):
            for commitment in rng.sample(commitments, rng.randint(*GAP_COMMITMENTS)):
                plan.gaps.add((participant, commitment))
    pairs = [(p, c) for p in participants for c in commitments if (p, c) not in plan.gaps]
    plan.na = set(rng.sample(pairs, max(1, round(NOT_APPLICABLE_SHARE * len(pairs)))))
    reported = [pair for pair in pairs if pair not in plan.na]
    plan.corrected = set(rng.sample(reported, max(1, round(CORRECTED_SHARE * len(pairs)))))
    return plan


class _Pair:
    """One participant's made-up history on one commitment."""

    def __init__(self, seed, participant, commitment, user):
        self.participant = participant
        self.commitment = commitment
        self.user = user
        self.rng = random.Random(f"{seed}/{participant.name}/{commitment.code}")
        title = commitment.title
        self.subject = title[0].lower() + title[1:]
        self.reports: list[ProgressReport] = []

    def build_history(self, scale: int, *, not_applicable: bool) -> None:
        rng = self.rng
        count = rng.randint(1, 4) * scale
        window = (LAST_AS_OF - FIRST_AS_OF).days + 1
        offsets = sorted(rng.sample(range(window), count))
        # Spread over more reports, the same number of steps forward on average.
        advance = 0.55 / scale
        level = rng.choices([0, 1, 2], weights=[5, 4, 1])[0]
        previous = None
        for offset in offsets:
            if previous is not None and level < 3 and rng.random() < advance:
                level += 1
            status = Status.NOT_APPLICABLE if not_applicable else LEVELS[level]
            as_of = FIRST_AS_OF + datetime.timedelta(days=offset)
            unchanged = status == previous and not not_applicable
            report = self._report(status, as_of, unchanged=unchanged)
            report.state = ProgressReport.State.SUBMITTED
            report.submitted_by = self.user
            report.submitted_at = self._later(report.created_at, 0, 3)
            self.reports.append(report)
            previous = status

    def correction_of(self, original: ProgressReport, rng: random.Random) -> ProgressReport:
        """A submitted correction for the same date, with a status that stays between the
        statuses reported before and after it."""
        index = self.reports.index(original)
        low = LEVELS.index(self.reports[index - 1].status) if index else 0
        high = LEVELS.index(self.reports[index + 1].status) if index + 1 < len(self.reports) else 3
        choices = [LEVELS[i] for i in range(low, high + 1) if LEVELS[i] != original.status]
        status = rng.choice(choices) if choices else original.status
        correction = self._report(status, original.as_of, prefix=CORRECTION_PREFIX)
        correction.corrects = original
        correction.created_at = self._later(original.submitted_at, 14, 90)
        correction.state = ProgressReport.State.SUBMITTED
        correction.submitted_by = self.user
        correction.submitted_at = self._later(correction.created_at, 0, 3)
        return correction

    def draft_after_history(self) -> ProgressReport:
        """A draft that speaks for a later date than any submitted report, with the next
        status: a page that showed drafts would show the wrong status."""
        last = self.reports[-1]
        level = min(LEVELS.index(last.status) + 1, 3)
        days = (LAST_AS_OF - last.as_of).days
        as_of = last.as_of + datetime.timedelta(days=self.rng.randint(1, days))
        return self._report(LEVELS[level], as_of)

    def _report(self, status, as_of, *, unchanged=False, prefix="") -> ProgressReport:
        rng = self.rng
        templates = UNCHANGED_NARRATIVES if unchanged else NARRATIVES[status]
        narrative = prefix + rng.choice(templates).format(subject=self.subject)
        return ProgressReport(
            participant_id=self.participant.pk,
            commitment_id=self.commitment.pk,
            status=status,
            as_of=as_of,
            narrative=narrative,
            evidence_links=self._evidence(status, as_of),
            source=SOURCE,
            confidence=rng.choices(CONFIDENCES, weights=CONFIDENCE_WEIGHTS)[0],
            created_by=self.user,
            created_at=self._later(as_of, 1, 6),
            is_demo=True,
        )

    def _evidence(self, status, as_of) -> str:
        if status in (Status.NOT_STARTED, Status.NOT_APPLICABLE):
            return ""
        if self.rng.random() >= EVIDENCE_SHARE:
            return ""
        code = (self.participant.iso3 or str(self.participant.pk)).lower()
        base = f"https://example.org/demo/{code}/{self.commitment.code}/{as_of:%Y-%m-%d}"
        links = [f"{base}/report"]
        if self.rng.random() < 0.3:
            links.append(f"{base}/annex")
        return "\n".join(links)

    def _later(self, moment, min_days, max_days) -> datetime.datetime:
        """A time some days after `moment` (a date, or an aware datetime), never in the future."""
        if not isinstance(moment, datetime.datetime):
            moment = datetime.datetime.combine(moment, datetime.time(0), tzinfo=datetime.UTC)
        later = moment + datetime.timedelta(
            days=self.rng.randint(min_days, max_days),
            hours=self.rng.randint(7, 17),
            minutes=self.rng.randint(0, 59),
        )
        return min(later, timezone.now())


def _drafts(rng: random.Random, histories: list[_Pair], officials: dict) -> list[ProgressReport]:
    """Drafts for one pair of each demo official's participant, and one more pair."""
    candidates = [
        pair
        for pair in histories
        if pair.reports[-1].status in LEVELS[:3] and pair.reports[-1].as_of < LAST_AS_OF
    ]
    chosen = []
    for participant in officials:
        own = [pair for pair in candidates if pair.participant == participant]
        if own:
            chosen.append(rng.choice(own))
    others = [pair for pair in candidates if pair not in chosen]
    chosen += rng.sample(others, min(DRAFTS - len(chosen), len(others)))
    return [pair.draft_after_history() for pair in chosen]


def _backdate_updated_at(reports: list[ProgressReport]) -> None:
    """bulk_create stamps `updated_at` with the current time (auto_now); a submitted report
    last updated decades after its submission would read as edited after it was submitted."""
    # One UPDATE: bulk_update would send a CASE per row. No demo report existed before.
    ProgressReport.objects.filter(is_demo=True).update(
        updated_at=Coalesce("submitted_at", "created_at")
    )
    for report in reports:
        report.updated_at = report.submitted_at or report.created_at


# Demo accounts ----------------------------------------------------------------------------------


def _demo_accounts(password: str | None, result: DemoResult):
    """The secretariat officer and the two officials, created and put in the "Demonstration
    accounts" group. Returns the secretariat user and {participant: official user}.

    A demo account kept by an earlier clear_demo() is used again: with its password if it
    can still log in, with a new one if it was deactivated. A user outside the group with a
    demo username is someone else's account: DemoSetupError, before anything is written."""
    try:
        secretariat_group = Group.objects.get(name=SECRETARIAT)
    except Group.DoesNotExist:
        raise DemoSetupError(
            f'The "{SECRETARIAT}" group is missing; run `manage.py migrate` first.'
        ) from None
    participants = {}
    for username, iso3 in OFFICIALS:
        try:
            participants[username] = Participant.objects.tracked().get(iso3=iso3)
        except Participant.DoesNotExist:
            raise DemoSetupError(
                f"No tracked participant with the code {iso3}; run `manage.py load_reference`."
            ) from None
    others = list(
        User.objects.filter(username__in=DEMO_USERNAMES)
        .exclude(groups__name=DEMO_ACCOUNTS_GROUP)
        .order_by("username")
        .values_list("username", flat=True)
    )
    if others:
        names = ", ".join(others)
        raise DemoSetupError(
            f"A user that is not a demonstration account already has the username {names}. "
            "seed_demo does not take over existing accounts: nothing was added and that user "
            "was left as it is. Rename it, or, if an earlier seed_demo created it, add it to "
            f'the "{DEMO_ACCOUNTS_GROUP}" group or delete it; then run seed_demo again.'
        )
    group, _ = Group.objects.get_or_create(name=DEMO_ACCOUNTS_GROUP)

    secretariat = _account(
        SECRETARIAT_USERNAME, "secretariat (staff, Secretariat group)", password, group, result
    )
    secretariat.is_staff = True
    secretariat.save(update_fields=["is_staff"])
    secretariat.groups.add(secretariat_group)

    officials = {}
    for username, participant in participants.items():
        role = f"focal-point official for {participant}"
        user = _account(username, role, password, group, result)
        Official.objects.get_or_create(user=user, defaults={"participant": participant})
        officials[participant] = user
    return secretariat, officials


def _account(username, role, password, group: Group, result: DemoResult) -> User:
    user = User.objects.filter(username=username, groups=group).first()
    if user is not None and user.is_active and user.has_usable_password():
        result.accounts.append(DemoAccount(username, role, None))
        return user
    password = password or secrets.token_urlsafe(12)
    if user is None:
        user = User.objects.create_user(username, password=password)
        user.groups.add(group)
    else:
        # Deactivated by clear_demo() because real history rows name it; a demo account again.
        user.is_active = True
        user.set_password(password)
        user.save(update_fields=["is_active", "password"])
    result.accounts.append(DemoAccount(username, role, password))
    return user
