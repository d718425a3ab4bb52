"""Synthetic demonstration data: a made-up history of progress reports and three demo accounts.

Nothing here describes any participant's real progress (no such record is known): every
report is marked `is_demo`, its source says it is demonstration data, and its narrative is a
neutral template about the commitment, never about the country. `clear_demo()` removes
exactly what `seed_demo()` added and never touches the reference data.

The output is a function of the seed alone: participants and commitments are taken in a fixed
order, and each (participant, commitment) pair draws from its own `random.Random`, seeded from
the seed and the pair's natural keys, so a pair's history does not depend on the database's
primary keys or on the pairs generated before it.
"""

import datetime
import random
import secrets
from dataclasses import dataclass, field

from django.contrib.auth.models import Group, User
from django.db import transaction
from django.db.models import ProtectedError
from django.db.models.functions import Coalesce
from django.utils import timezone

from commitments.models import Commitment, Confidence, Official, Participant, ProgressReport
from commitments.roles import SECRETARIAT

DEFAULT_SEED = 2002
MAX_SCALE = 100
SOURCE = "Demonstration data (seed_demo)"
SECRETARIAT_GROUP = SECRETARIAT  # created by migration 0003

# Submitted histories speak for dates in this window, whatever the scale: at MAX_SCALE a pair
# has at most 4 * MAX_SCALE reports, fewer than the window's 1,037 days.
FIRST_AS_OF = datetime.date(2002, 3, 1)
LAST_AS_OF = datetime.date(2004, 12, 31)

SECRETARIAT_USERNAME = "demo-secretariat"
# Focal-point officials: (username, ISO 3166 code of the participant they report for).
OFFICIALS = [("demo-official-idn", "IDN"), ("demo-official-tha", "THA")]
DEMO_USERNAMES = [SECRETARIAT_USERNAME, *(username for username, _ in OFFICIALS)]

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
    """The database lacks something the demonstration data needs."""


@dataclass
class DemoAccount:
    username: str
    role: str
    password: str | None  # None: the account already existed, and its password was kept


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
    users: int = 0
    officials: int = 0
    kept_users: list[str] = field(default_factory=list)  # still referenced by other data


def demo_data_present() -> bool:
    return ProgressReport.objects.filter(is_demo=True).exists()


@transaction.atomic
def seed_demo(
    *, seed: int = DEFAULT_SEED, scale: int = 1, password: str | None = None
) -> DemoResult:
    """Add the demo accounts and a synthetic history of reports for every tracked pair (but a
    few deliberate gaps). Raises DemoDataPresent if demonstration reports already exist."""
    if not 1 <= scale <= MAX_SCALE:
        raise ValueError(f"The scale must be between 1 and {MAX_SCALE}.")
    if demo_data_present():
        raise DemoDataPresent
    result = DemoResult(seed=seed, scale=scale)
    secretariat, officials = _demo_accounts(password, result)

    participants = list(Participant.objects.tracked().order_by("name"))
    commitments = list(Commitment.objects.tracked().order_by("code"))
    plan = _plan(random.Random(seed), participants, commitments)
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

    result.submitted = len(originals) + len(corrections)
    result.corrections = len(corrections)
    result.drafts = len(drafts)
    result.history_rows = len(history)
    return result


@transaction.atomic
def clear_demo() -> ClearResult:
    """Remove the demonstration reports, their history rows and the demo accounts."""
    result = ClearResult()
    # Submitted reports are never deleted by users: the model's delete() refuses it. Demo
    # reports are the one exception (they were never anyone's report), and queryset deletes
    # do not call the model's delete(). `corrects` is PROTECT, so corrections go before the
    # reports they correct. A report that is not demo data but corrects a demo report makes
    # the delete fail with ProtectedError: then nothing is removed.
    uncorrected = ProgressReport.objects.filter(is_demo=True).exclude(corrections__is_demo=True)
    while uncorrected.exists():
        result.reports += uncorrected.delete()[0]
    # The deletes above also wrote "-" history rows, which are demo rows as well.
    result.history_rows = ProgressReport.history.model.objects.filter(is_demo=True).delete()[0]

    official_history = Official.history.model.objects
    for user in User.objects.filter(username__in=DEMO_USERNAMES).order_by("username"):
        user_id = user.pk
        try:
            with transaction.atomic():
                deleted = user.delete()[1]
        except ProtectedError:
            # Someone used the demo account to enter real reports; they stay, and so does it.
            result.kept_users.append(user.username)
            continue
        result.users += 1
        result.officials += deleted.get(Official._meta.label, 0)
        result.history_rows += official_history.filter(user_id=user_id).delete()[0]
    return result


# The plan: which pairs are left out, not applicable, corrected ----------------------------------


@dataclass
class _Plan:
    rng: random.Random
    gaps: set = field(default_factory=set)
    na: set = field(default_factory=set)
    corrected: set = field(default_factory=set)


def _plan(rng: random.Random, participants, commitments) -> _Plan:
    plan = _Plan(rng=rng)
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
    """The secretariat officer and the two officials, created if missing (an existing account
    keeps its password). Returns the secretariat user and {participant: official user}."""
    try:
        group = Group.objects.get(name=SECRETARIAT_GROUP)
    except Group.DoesNotExist:
        raise DemoSetupError(
            f'The "{SECRETARIAT_GROUP}" group is missing; run `manage.py migrate` first.'
        ) from None
    secretariat = _account(
        SECRETARIAT_USERNAME, "secretariat (staff, Secretariat group)", password, result
    )
    secretariat.is_staff = True
    secretariat.save(update_fields=["is_staff"])
    secretariat.groups.add(group)

    officials = {}
    for username, iso3 in OFFICIALS:
        try:
            participant = Participant.objects.tracked().get(iso3=iso3)
        except Participant.DoesNotExist:
            raise DemoSetupError(
                f"No tracked participant with the code {iso3}; run `manage.py load_reference`."
            ) from None
        user = _account(username, f"focal-point official for {participant}", password, result)
        Official.objects.get_or_create(user=user, defaults={"participant": participant})
        officials[participant] = user
    return secretariat, officials


def _account(username, role, password, result: DemoResult) -> User:
    user = User.objects.filter(username=username).first()
    if user is not None:
        result.accounts.append(DemoAccount(username, role, None))
        return user
    password = password or secrets.token_urlsafe(12)
    user = User.objects.create_user(username, password=password)
    result.accounts.append(DemoAccount(username, role, password))
    return user
