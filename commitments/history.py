"""The history helpers: who made a change (`record_as`), and a report's history as a story
(who did what, when, and which fields changed), from the rows django-simple-history keeps for
the report and for its evidence files."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from commitments.models import EvidenceFile, ProgressReport


def record_as(instance, user) -> None:
    """Name `user` as the author of the history row that saving `instance` writes.

    django-simple-history takes the user from the request; the services say it outright, so
    that the history is right whoever calls them (a view, the admin, a command, a test)."""
    instance._history_user = user


SUBMITTED_ACTION = _("Submitted the report")
# The history_change_reason the import service stores (commitments.services.imports), in
# English: it is data, and only its parts are shown, in the reader's language.
IMPORTED_REASON = re.compile(r"Imported from (?P<file>.*) \(import (?P<number>\d+)\)", re.DOTALL)
# Bookkeeping fields that change with every save and say nothing to a reader.
QUIET_FIELDS = {"updated_at", "version", "submitted_at", "submitted_by", "created_at", "state"}
# What a correction can change in the report it corrects.
REPORT_FIELDS = ["status", "as_of", "confidence", "narrative", "source", "evidence_links"]


@dataclass
class Change:
    label: str
    # None while the report was a draft: a draft's earlier wording was its officials' work in
    # progress, so the history says which fields changed, to everyone, but not from what.
    old: str | None = None
    new: str | None = None


@dataclass
class HistoryEntry:
    when: object
    who: object
    action: str
    changes: list = field(default_factory=list)


# How the history names the fields a reader may see change: the words Django derives from
# the fields' names (they have no verbose names of their own, which would need a migration).
FIELD_LABELS = {
    "participant": _("Participant"),
    "commitment": _("Commitment"),
    "status": _("Status"),
    "as_of": _("As of"),
    "narrative": _("Narrative"),
    "evidence_links": _("Evidence links"),
    "source": _("Source"),
    "confidence": _("Confidence"),
    "corrects": _("Corrects"),
}


def _label(name) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    return str(ProgressReport._meta.get_field(name).verbose_name).capitalize()


def _display(record, name) -> str:
    value = getattr(record, name)
    if name in {"status", "state", "confidence"}:
        return getattr(record, f"get_{name}_display")()
    return "" if value is None else str(value)


def correction_changes(report) -> list[Change]:
    """What a correction changed against the report it corrects (both submitted, so both
    shown with their values); empty for a report that corrects nothing."""
    original = report.corrects
    if original is None:
        return []
    return [
        Change(_label(name), _display(original, name), _display(report, name))
        for name in REPORT_FIELDS
        if getattr(original, name) != getattr(report, name)
    ]


def _submission(report, record) -> HistoryEntry:
    """The entry of the moment the report was submitted. A report recorded as submitted in
    one step (the demonstration data, an import, the admin) has no user on its history row:
    its author and date come from the report itself."""
    action = (
        gettext("Submitted the correction of report #%(number)s") % {"number": report.corrects_id}
        if report.corrects_id
        else str(SUBMITTED_ACTION)
    )
    who = record.history_user or report.submitted_by or report.created_by
    return HistoryEntry(report.submitted_at or record.history_date, who,
                        _with_reason(action, record), correction_changes(report))  # fmt: skip


def _with_reason(action: str, record) -> str:
    """The action, with the file it was imported from ("imported from a.csv (import 3)")."""
    reason = record.history_change_reason or ""
    if not reason.startswith("Imported from"):
        return action
    if imported := IMPORTED_REASON.fullmatch(reason):
        # Translators: a step of a report's history, and the file it was imported from:
        # “Created the draft (imported from reports.csv (import 3))”.
        return gettext("%(action)s (imported from %(file)s (import %(number)s))") % {
            "action": action,
            **imported.groupdict(),
        }
    return f"{action} (i{reason[1:]})"


def _draft_entry(record, previous) -> HistoryEntry | None:
    """A step of the drafting, or None for a save that changed nothing a reader would see."""
    if record.history_type == "+":
        action = (
            gettext("Created the correction as a draft")
            if record.corrects_id
            else gettext("Created the draft")
        )
        return HistoryEntry(record.history_date, record.history_user, _with_reason(action, record))
    if record.history_type == "-":
        return HistoryEntry(record.history_date, record.history_user, gettext("Deleted the draft"))
    delta = record.diff_against(previous, excluded_fields=QUIET_FIELDS)
    if not delta.changes:
        return None
    changes = [Change(_label(change.field)) for change in delta.changes]
    return HistoryEntry(
        record.history_date, record.history_user, gettext("Edited the draft"), changes
    )


def _file_action(record) -> str:
    """What a history row of an evidence file says was done to it."""
    name = {"name": record.original_name}
    if record.history_type == "+":
        return gettext("Attached the file %(name)s") % name
    if record.history_type == "-":
        return gettext("Removed the file %(name)s") % name
    return gettext("Changed the file %(name)s") % name


def report_history(report) -> list[HistoryEntry]:
    """Oldest first, the same for everyone who may see the report. Three queries: the
    report's rows, its files' rows, and their users (and the corrected report, once)."""
    records = list(
        report.history.select_related("history_user").order_by("history_date", "history_id")
    )
    entries = []
    previous = None
    for record in records:
        if record.state == ProgressReport.State.SUBMITTED:
            if previous is None or previous.state != record.state:
                entries.append(_submission(report, record))
        elif entry := _draft_entry(record, previous):
            entries.append(entry)
        previous = record
    file_records = EvidenceFile.history.filter(report_id=report.pk).select_related("history_user")
    for record in file_records:
        entries.append(HistoryEntry(record.history_date, record.history_user, _file_action(record)))
    entries.sort(key=lambda entry: entry.when)
    return entries
