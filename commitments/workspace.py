"""What an official's workspace shows: per tracked commitment, the current status, how old it
is, the drafts, and what to do next; never-reported commitments first."""

import datetime
from dataclasses import dataclass, field

from commitments.models import Commitment, Participant, ProgressReport
from commitments.status import reporting_round, status_matrix


@dataclass
class WorkspaceRow:
    commitment: Commitment
    current: ProgressReport | None
    age_days: int | None
    # Why the current report is due for an update (ReportingRound.update_due), or None.
    update_due: str | None
    drafts: list = field(default_factory=list)


def workspace_rows(participant: Participant, today: datetime.date) -> dict:
    matrix = status_matrix(participants=Participant.objects.filter(pk=participant.pk))
    drafts = list(participant.reports.drafts().select_related("commitment").order_by("-updated_at"))
    current_round = reporting_round(today)
    rows = []
    for commitment, current in zip(matrix.commitments, matrix.rows[0].cells, strict=True):
        age = (today - current.as_of).days if current else None
        rows.append(
            WorkspaceRow(
                commitment=commitment,
                current=current,
                age_days=age,
                update_due=current_round.update_due(current) if current else None,
                drafts=[d for d in drafts if d.commitment_id == commitment.pk],
            )
        )
    # Never reported first; then the commitments in the statement's order.
    rows.sort(key=lambda row: row.current is not None)
    deleted = (
        ProgressReport.history.filter(participant=participant, history_type="-")
        .select_related("commitment", "history_user")
        .order_by("-history_date")[:10]
    )
    return {"rows": rows, "deleted_drafts": list(deleted), "reporting_round": current_round}
