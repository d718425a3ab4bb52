"""The one source of truth for where participants stand: the current status of a participant
on a commitment, the matrix as of a date, and the counts per status.

How the current status is found: for each (participant, commitment) pair, an index-backed
subquery picks the latest submitted, not superseded report with `as_of` on or before the
date. The index `progressreport_pair_as_of` (participant, commitment, state, as_of) makes
each pick a short index seek from the newest end, so the cost grows with the number of
pairs (38 x 7), not with the length of the history. We chose this over a denormalised
"current status" row because the matrix must also be shown as it stood on any past date,
which a current-status row cannot answer; one mechanism serves both.

Every page (dashboard, matrix, country, commitment, exports, review, the PDF) calls these
functions; none recomputes a status its own way.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from commitments.models import Commitment, MinisterialMeeting, Participant, ProgressReport

Status = ProgressReport.Status
# The order statuses are shown in: a scale, not a ranking of participants.
STATUS_ORDER = list(Status)  # the order of their declaration (ReportStatus)
NO_REPORT = "no_report"
# Translators: a participant has no submitted report on a commitment (beside the status scale).
NO_REPORT_LABEL = _("No report")
# What each step of the scale means, shown on /status-scale/ (linked from every legend). The
# words describe a report, never a participant's worth: paragraph 19's voluntary reporting.
STATUS_MEANINGS = {
    Status.NOT_STARTED: _("The participant reports that work on the commitment has not begun."),
    Status.LIMITED: _(
        "Some first steps have been taken: plans, drafts, a first agreement or pilot, but most "
        "of the work is still ahead."
    ),
    Status.SUBSTANTIAL: _(
        "Much of the work is done (a law passed, an arrangement in force) and some remains."
    ),
    Status.COMPLETE: _("The participant reports that what the commitment asks has been done."),
    Status.NOT_APPLICABLE: _(
        "The participant reports that the commitment does not apply to it (for example, no sea "
        "border for a maritime measure)."
    ),
}
NO_REPORT_MEANING = _(
    "No submitted report yet: nothing is known from the participant, which says nothing "
    "about its progress."
)
# A participant at one of these needs nothing passed on for the commitment (paragraph 25):
# it has finished, or has said the commitment does not apply to it.
DONE_STATUSES = frozenset({Status.COMPLETE, Status.NOT_APPLICABLE})


def not_done(counts: Counter) -> Counter:
    """Of a commitment's counts per status (NO_REPORT included), those not done."""
    return Counter({status: n for status, n in counts.items() if status not in DONE_STATUSES})


# When a current status is old enough to ask for news: the workspace flags it and the
# reminders email about it. The setting FOLLOWUP_STALE_AFTER_DAYS, else this.
DEFAULT_STALE_DAYS = 365


def stale_after_days() -> int:
    return getattr(settings, "FOLLOWUP_STALE_AFTER_DAYS", DEFAULT_STALE_DAYS)


def is_stale(current, today: datetime.date, stale_days: int | None = None) -> bool:
    """Whether a current report speaks for a date more than `stale_days` days before
    `today` (by default stale_after_days()). A commitment with no report at all is not
    stale but "never reported": each caller says what it does with that."""
    stale_days = stale_after_days() if stale_days is None else stale_days
    return (today - current.as_of).days > stale_days


@dataclass(frozen=True)
class ReportingRound:
    """What "due for an update" is measured against, from the data the tracker holds.

    Counting back from today would flag every report of a history that stopped years ago
    (the demonstration data ends in 2004), so the limit counts back from the newest date any
    participant has reported for (never after today). A round is the period since the last
    ministerial meeting held by then: a report speaking for an earlier date was made for an
    earlier round of the follow-up."""

    newest: datetime.date
    started: datetime.date | None
    started_by: str
    stale_days: int

    def update_due(self, current) -> str | None:
        """Why `current` (a submitted report) is due for an update, or None if it is not."""
        if self.started and current.as_of < self.started:
            return gettext(
                "Speaks for a date before the last ministerial meeting (%(meeting)s)."
            ) % {"meeting": self.started_by}
        if (self.newest - current.as_of).days > self.stale_days:
            return ngettext(
                "Speaks for a date more than %(days)s day before the newest report in the tracker.",
                "Speaks for a date more than %(days)s days before the newest report in the "
                "tracker.",
                self.stale_days,
            ) % {"days": self.stale_days}
        return None


def reporting_round(today: datetime.date) -> ReportingRound:
    """Two short queries: the newest `as_of` (index `progressreport_as_of`) and the last
    ministerial meeting on or before it."""
    newest = counted_reports().order_by("-as_of").values_list("as_of", flat=True).first() or today
    newest = min(newest, today)
    meeting = (
        MinisterialMeeting.objects.ministerial()
        .filter(start_date__lte=newest)
        .order_by("-start_date")
        .first()
    )
    return ReportingRound(
        newest=newest,
        started=meeting.start_date if meeting else None,
        started_by=f"{meeting}, {date_format(meeting.start_date)}" if meeting else "",
        stale_days=stale_after_days(),
    )


def counted_reports(as_of: datetime.date | None = None):
    """Submitted reports that count on `as_of`: see ProgressReportQuerySet.counted."""
    return ProgressReport.objects.counted(as_of)


def latest_report(participant, commitment, as_of=None):
    """A subquery: the counted report of one pair that speaks for the latest date.

    `participant` and `commitment` may be OuterRef expressions or ids."""
    return (
        counted_reports(as_of)
        .filter(participant=participant, commitment=commitment)
        .order_by("-as_of", "-submitted_at", "-pk")
    )


def latest_report_id(participant, commitment, as_of=None) -> Subquery:
    return Subquery(latest_report(participant, commitment, as_of).values("pk")[:1])


def latest_status(participant, commitment, as_of=None) -> Subquery:
    return Subquery(latest_report(participant, commitment, as_of).values("status")[:1])


@dataclass
class MatrixRow:
    participant: Participant
    cells: list  # one ProgressReport or None per commitment, in the commitments' order


@dataclass
class Matrix:
    as_of: datetime.date | None
    commitments: list
    rows: list = field(default_factory=list)

    def counts_by_commitment(self) -> list[tuple[Commitment, Counter]]:
        """For each commitment, how many participants stand at each status (or have none)."""
        result = []
        for index, commitment in enumerate(self.commitments):
            counter = Counter(
                row.cells[index].status if row.cells[index] else NO_REPORT for row in self.rows
            )
            result.append((commitment, counter))
        return result

    @property
    def is_empty(self) -> bool:
        return not any(cell for row in self.rows for cell in row.cells)


def status_matrix(as_of=None, participants=None, commitments=None) -> Matrix:
    """Tracked participants x tracked commitments, each cell the report that counts on `as_of`.

    Three queries whatever the history's length: the commitments, the participants with one
    subquery per commitment, and the chosen reports.
    """
    if commitments is None:
        commitments = list(Commitment.objects.tracked().select_related("paragraph"))
    if participants is None:
        participants = Participant.objects.tracked()
    annotations = {
        f"report_{c.pk}": latest_report_id(OuterRef("pk"), c.pk, as_of) for c in commitments
    }
    participants = list(participants.annotate(**annotations).order_by("short_name"))
    report_ids = {getattr(p, f"report_{c.pk}") for p in participants for c in commitments} - {None}
    reports = ProgressReport.objects.in_bulk(report_ids) if report_ids else {}
    matrix = Matrix(as_of=as_of, commitments=commitments)
    for participant in participants:
        cells = [reports.get(getattr(participant, f"report_{c.pk}")) for c in commitments]
        matrix.rows.append(MatrixRow(participant, cells))
    return matrix


@dataclass
class CellChange:
    """One cell of the matrix on two dates: the report that counted then, and now."""

    participant: Participant
    commitment: Commitment
    before: ProgressReport | None
    after: ProgressReport | None

    @property
    def status_moved(self) -> bool:
        return _status(self.before) != _status(self.after)


def _status(report) -> str:
    return report.status if report else NO_REPORT


@dataclass
class MatrixChanges:
    earlier: datetime.date
    later: datetime.date
    moved: list  # CellChange whose status moved
    newer_same_status: int  # cells with a newer report at the same status


def changes_between(earlier: datetime.date, later: datetime.date) -> MatrixChanges:
    """Which cells of the matrix moved between two dates: the two matrices (six queries),
    compared cell by cell. A cell whose newer report keeps the status is counted, not
    listed: Ministers ask what has moved."""
    before, after = status_matrix(as_of=earlier), status_matrix(as_of=later)
    moved, same_status = [], 0
    for row_before, row_after in zip(before.rows, after.rows, strict=True):
        cells = zip(after.commitments, row_before.cells, row_after.cells, strict=True)
        for commitment, old, new in cells:
            if (old and old.pk) == (new and new.pk):
                continue
            change = CellChange(row_after.participant, commitment, old, new)
            if change.status_moved:
                moved.append(change)
            else:
                same_status += 1
    return MatrixChanges(earlier, later, moved, same_status)


def status_counts_over_time(commitment, dates) -> list[tuple[datetime.date, Counter]]:
    """How many tracked participants stood at each status on `commitment` on each date, in
    one query: one subquery per date."""
    annotations = {
        f"status_{i}": latest_status(OuterRef("pk"), commitment.pk, date)
        for i, date in enumerate(dates)
    }
    rows = list(Participant.objects.tracked().annotate(**annotations).values(*annotations))
    return [
        (date, Counter(row[f"status_{i}"] or NO_REPORT for row in rows))
        for i, date in enumerate(dates)
    ]


def counts_by_participant(matrix: Matrix) -> list[dict]:
    """For each row of the matrix: the participant, on how many commitments its latest
    status is each status (`count_<status>`, `count_no_report`), and the latest date it
    reported for. Counted from the cells: each cell's status is found once, by the matrix's
    query, however many columns count it."""
    rows = []
    for row in matrix.rows:
        found = Counter(cell.status if cell else NO_REPORT for cell in row.cells)
        counts = {f"count_{status}": found[status] for status in [*STATUS_ORDER, NO_REPORT]}
        latest = max((cell.as_of for cell in row.cells if cell), default=None)
        rows.append({"participant": row.participant, "latest_report": latest, **counts})
    return rows
