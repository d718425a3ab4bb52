"""What an official's workspace shows: per tracked commitment, the current status, how old it
is, the drafts, and what to do next; never-reported commitments first."""

import datetime
from dataclasses import dataclass, field

from commitments.models import Commitment, Participant, ProgressReport
from commitments.status import is_stale, stale_after_days, status_matrix


@dataclass
class WorkspaceRow:
    commitment: Commitment
    current: ProgressReport | None
    age_days: int | None
    is_stale: bool
    drafts: list = field(default_factory=list)


def workspace_rows(participant: Participant, today: datetime.date) -> dict:
    matrix = status_matrix(participants=Participant.objects.filter(pk=participant.pk))
    drafts = list(participant.reports.drafts().select_related("commitment").order_by("-updated_at"))
    stale_after = stale_after_days()
    rows = []
    for commitment, current in zip(matrix.commitments, matrix.rows[0].cells, strict=True):
        age = (today - current.as_of).days if current else None
        rows.append(
            WorkspaceRow(
                commitment=commitment,
                current=current,
                age_days=age,
                is_stale=current is not None and is_stale(current, today, stale_after),
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
    return {"rows": rows, "deleted_drafts": deleted, "stale_after_days": stale_after}
