"""The history helpers: who made a change (`record_as`), and a report's history as a story
(who did what, when, and which fields changed), from the rows django-simple-history keeps for
the report and for its evidence files."""

from dataclasses import dataclass, field

from commitments.models import EvidenceFile, ProgressReport


def record_as(instance, user) -> None:
    """Name `user` as the author of the history row that saving `instance` writes.

    django-simple-history takes the user from the request; the services say it outright, so
    that the history is right whoever calls them (a view, the admin, a command, a test)."""
    instance._history_user = user


SUBMITTED_ACTION = "Submitted the report"
# Bookkeeping fields that change with every save and say nothing to a reader.
QUIET_FIELDS = {"updated_at", "version", "submitted_at", "submitted_by", "created_at"}


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    changes: list = field(default_factory=list)


def _label(name) -> str:
    return str(ProgressReport._meta.get_field(name).verbose_name).capitalize()


def _display(record, name) -> str:
    value = getattr(record, name)
    if name in {"status", "state", "confidence"}:
        return getattr(record, f"get_{name}_display")()
    return "" if value is None else str(value)


def _report_action(record, previous) -> str:
    if record.history_type == "+":
        return "Created the correction as a draft" if record.corrects_id else "Created the draft"
    if record.history_type == "-":
        return "Deleted the draft"
    if previous is not None and previous.state != record.state:
        return SUBMITTED_ACTION
    return "Edited the draft"


def report_history(report) -> list[HistoryEntry]:
    """Oldest first. Three queries: the report's rows, its files' rows, and their users."""
    records = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
            changes = [
                Change(_label(c.field), _display(previous, c.field), _display(record, c.field))
                for c in delta.changes
            ]
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, _report_action(record, previous), changes
            )
        )
        previous = record
    file_records = EvidenceFile.history.filter(report_id=report.pk).select_related("history_user")
    for record in file_records:
        verb = {"+": "Attached", "-": "Removed", "~": "Changed"}[record.history_type]
        entries.append(
            HistoryEntry(
                record.history_date, record.history_user, f"{verb} the file {record.original_name}"
            )
        )
    entries.sort(key=lambda entry: entry.when)
    return entries
