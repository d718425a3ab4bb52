"""Tables of the app's list pages (django-tables2). Every column sorts in the database."""

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from commitments.models import Confidence, ProgressReport
from commitments.models.progress import rank
from commitments.paging import COUNT_CAP
from commitments.status import NO_REPORT, NO_REPORT_LABEL, STATUS_ORDER
from commitments.templatetags.followup import status_badge


def country_url(record):
    """The participant's country page, or no link for one without an ISO 3166 code."""
    return record.participant.get_absolute_url() or None


def order_by_rank(queryset, field, values, is_descending):
    position = rank(field, values)
    if is_descending:
        return queryset.order_by(position.desc(), "-pk"), True
    return queryset.order_by(position.asc(), "pk"), True


def corrected_report_url(record):
    return reverse("report_detail", args=[record.corrects_id]) if record.corrects_id else None


# The annotation that the reports page (commitments/views/reports.py) adds to its queryset:
# the id of the submitted correction that replaces the report, or None.
REPLACED_BY = "replaced_by"


def replacing_report_url(record):
    replaced_by = getattr(record, REPLACED_BY, None)
    return reverse("report_detail", args=[replaced_by]) if replaced_by else None


def commitment_text(code: str, title: str) -> str:
    """How a report's commitment reads, on the page and in the downloads."""
    return f"{code}: {title}"


class ReportTable(tables.Table):
    """Submitted progress reports, one row each.

    These columns, in this order and with these headings, are also the columns of the CSV
    and Excel exports (commitments/exports.py), so that a download reads like the page.
    Every column sorts in the database, and each sort ends with the primary key so that rows
    with equal values keep one order from page to page. Status and confidence sort by their
    scales (order_status, order_confidence), not alphabetically.

    "Replaced by" reads the `replaced_by` annotation of the reports page's queryset, so that
    whoever adds up a download can leave out the reports a correction has replaced. A table
    given reports without that annotation (the comment queue's) leaves the column out, rather
    than show a dash in every row and fail when sorted by it.
    """

    participant = tables.Column(
        _("Participant"),
        accessor="participant__short_name",
        linkify=country_url,
        order_by=("participant__short_name", "pk"),
    )
    commitment = tables.Column(
        _("Commitment"),
        accessor="commitment",
        order_by=("commitment__display_order", "commitment__code", "pk"),
    )
    status = tables.Column(_("Status"))
    as_of = tables.Column(_("As of"), order_by=("as_of", "pk"))
    submitted = tables.Column(
        # Translators: the heading of the column of the dates reports were submitted.
        pgettext_lazy("column of dates", "Submitted"),
        accessor="submitted_at",
        order_by=("submitted_at", "pk"),
    )
    confidence = tables.Column(_("Confidence"))
    corrects = tables.Column(
        # Translators: the heading of the column of the report each report corrects.
        pgettext_lazy("column of reports", "Corrects"),
        accessor="corrects_id",
        linkify=corrected_report_url,
        order_by=("corrects_id", "pk"),
        default="—",
    )
    replaced_by = tables.Column(
        _("Replaced by"),
        accessor=REPLACED_BY,
        linkify=replacing_report_url,
        order_by=(REPLACED_BY, "pk"),
        default="—",
    )
    report = tables.Column(
        _("Report"),
        accessor="pk",
        linkify=lambda record: reverse("report_detail", args=[record.pk]),
        order_by=("pk",),
        # The visible text is short; the accessible name says which report the link opens.
        attrs={
            "a": {
                "aria-label": lambda record: (
                    gettext("View report %(number)s: %(participant)s on %(commitment)s")
                    % {
                        "number": record.pk,
                        "participant": record.participant.short_name,
                        "commitment": record.commitment.code,
                    }
                )
            }
        },
    )

    is_filtered = False  # set by the view: the caption says "match these filters"

    @property
    def caption(self) -> str:
        count = self.paginator.count
        values = {"count": count, "cap": number_format(COUNT_CAP, force_grouping=True)}
        if self.paginator.num_pages > 1:
            values |= {"start": self.page.start_index(), "end": self.page.end_index()}
            return self._paged_caption(count, values)
        # Counting further would read the whole history for one number.
        if getattr(self.paginator, "is_capped", False):
            if self.is_filtered:
                return gettext("More than %(cap)s submitted reports match these filters.") % values
            return gettext("More than %(cap)s submitted reports.") % values
        if self.is_filtered:
            return (
                ngettext(
                    "%(count)s submitted report matches these filters.",
                    "%(count)s submitted reports match these filters.",
                    count,
                )
                % values
            )
        return (
            ngettext("%(count)s submitted report.", "%(count)s submitted reports.", count) % values
        )

    def _paged_caption(self, count, values) -> str:
        """The caption of a table of more than one page: which rows this page shows."""
        if getattr(self.paginator, "is_capped", False):
            if self.is_filtered:
                return (
                    gettext(
                        "More than %(cap)s submitted reports match these filters: %(start)s to "
                        "%(end)s on this page."
                    )
                    % values
                )
            return (
                gettext("More than %(cap)s submitted reports: %(start)s to %(end)s on this page.")
                % values
            )
        if self.is_filtered:
            return (
                ngettext(
                    "%(count)s submitted report matches these filters: %(start)s to %(end)s on "
                    "this page.",
                    "%(count)s submitted reports match these filters: %(start)s to %(end)s on "
                    "this page.",
                    count,
                )
                % values
            )
        return (
            ngettext(
                "%(count)s submitted report: %(start)s to %(end)s on this page.",
                "%(count)s submitted reports: %(start)s to %(end)s on this page.",
                count,
            )
            % values
        )

    class Meta:
        model = ProgressReport
        fields = ()  # only the columns above
        template_name = "includes/table.html"
        attrs = {"class": "striped"}
        # Newest first: the report that speaks for the latest date at the top.
        order_by = "-as_of"
        per_page = 25

    def __init__(self, data=None, *args, exclude=None, **kwargs):
        query = getattr(data, "query", None)
        if query is not None and REPLACED_BY not in query.annotations:
            exclude = (*(exclude or self._meta.exclude or ()), REPLACED_BY)
        super().__init__(data, *args, exclude=exclude, **kwargs)

    def order_status(self, queryset, is_descending):
        # The scale "Not started" to "Complete", then "Not applicable".
        return order_by_rank(queryset, "status", STATUS_ORDER, is_descending)

    def order_confidence(self, queryset, is_descending):
        # "High" to "Low", then "Derived", as the choices list them.
        return order_by_rank(queryset, "confidence", Confidence.values, is_descending)

    def render_commitment(self, value):
        return commitment_text(value.code, value.title)

    def render_status(self, record):
        return status_badge(record)

    def render_as_of(self, value):
        return date_format(value)

    def render_submitted(self, value):
        return date_format(timezone.localdate(value))

    def render_confidence(self, record):
        return record.get_confidence_display()

    def render_report(self):
        # Translators: the link to a report, in the reports table.
        return pgettext("link to a report", "View")


class StatusCountColumn(tables.Column):
    def __init__(self, status, label, **kwargs):
        super().__init__(
            accessor=f"count_{status}",
            verbose_name=label,
            attrs={"td": {"class": "numeric"}},
            **kwargs,
        )


class CountryTable(tables.Table):
    """Tracked participants with how many commitments stand at each status: the rows of
    status.counts_by_participant, sorted in Python (one row per participant, counted from
    the matrix), not in the database."""

    short_name = tables.Column(
        verbose_name=_("Participant"),
        accessor="participant__short_name",
        linkify=lambda record: record["participant"].get_absolute_url(),
    )
    role = tables.Column(verbose_name=_("Role"), accessor="participant__get_role_display")
    latest_report = tables.DateColumn(verbose_name=_("Latest report"), format="j F Y")

    class Meta:
        attrs = {"class": "striped"}
        order_by = "short_name"
        template_name = "includes/table.html"
        orderable = True

    caption = _(
        "Tracked participants and, for each status, on how many commitments their latest "
        "report stands there. Sorting is not a ranking."
    )

    def __init__(self, *args, **kwargs):
        extra = [(f"count_{s}", StatusCountColumn(s, s.label)) for s in STATUS_ORDER] + [
            (f"count_{NO_REPORT}", StatusCountColumn(NO_REPORT, NO_REPORT_LABEL))
        ]
        super().__init__(*args, extra_columns=extra, **kwargs)
        self.sequence = ["short_name", "role", *[name for name, _ in extra], "latest_report"]


class CommentQueueTable(ReportTable):
    """The comment queue: submitted reports, newest submission first, with their comments."""

    # Not sortable: sorting by them would count the comments of every report in the history.
    comment_count = tables.Column(
        verbose_name=_("Comments"), attrs={"td": {"class": "numeric"}}, orderable=False
    )
    acknowledged = tables.BooleanColumn(
        verbose_name=_("Acknowledged"), yesno=(_("Yes"), _("No")), orderable=False
    )

    caption = _("Submitted reports, newest submission first.")
    empty_text = _("No submitted report matches.")

    class Meta(ReportTable.Meta):
        template_name = "includes/table.html"
        order_by = ("-submitted",)
        # The report's page shows them; here they would push the queue's own columns off
        # a 1280-pixel screen.
        exclude = ("confidence", "corrects")
        sequence = ("participant", "commitment", "status", "as_of", "submitted", "...")
