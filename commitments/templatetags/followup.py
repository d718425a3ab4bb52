import functools

from django import template
from django.urls import reverse
from django.utils.dateformat import format as format_date
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import ngettext, pgettext

from commitments.models import ProgressReport
from commitments.status import NO_REPORT, NO_REPORT_LABEL

register = template.Library()


@register.filter
def date_range(meeting) -> str:
    """A meeting's dates the way people write them in the page's language: "26–28 February
    2002", "30 March – 2 April 2003", or "February 2002" when only the month is known (in
    Chinese "2002年2月26日至28日"). Each language orders the parts in its catalogue."""
    start, end = meeting.start_date, meeting.end_date
    if getattr(meeting, "date_precision", "day") == "month":
        return date_format(start, "YEAR_MONTH_FORMAT")
    if start == end:
        return date_format(start, "DATE_FORMAT")
    parts = {
        "start_day": start.day,
        "end_day": end.day,
        "month": format_date(end, "F"),
        "month_number": end.month,
        "year": end.year,
        "start_date": date_format(start, "DATE_FORMAT"),
        "end_date": date_format(end, "DATE_FORMAT"),
        "start_month_day": date_format(start, "MONTH_DAY_FORMAT"),
        "end_month_day": date_format(end, "MONTH_DAY_FORMAT"),
    }
    # Each translation may use any of the parts' names, not only those of the English: not
    # checked as a Python format by msgfmt (xgettext:no-python-format).
    if (start.year, start.month) == (end.year, end.month):
        # Translators: the days of one month, as in "26 to 28 February 2002". Parts: year,
        # month, month_number, start_day, end_day, start_date, end_date, start_month_day.
        # xgettext:no-python-format
        return pgettext("date range", "%(start_day)s–%(end_date)s") % parts
    if start.year == end.year:
        # Translators: two months of one year, as in "30 March to 2 April 2003". Parts as
        # above.
        # xgettext:no-python-format
        return pgettext("date range", "%(start_month_day)s – %(end_date)s") % parts
    # xgettext:no-python-format
    return pgettext("date range", "%(start_date)s – %(end_date)s") % parts


@register.filter
def participant_link(participant, label=""):
    """A link to the participant's country page; plain text for one without a page
    (organisations have no ISO 3166 code)."""
    text = label or participant.short_name
    url = participant.get_absolute_url()
    return format_html('<a href="{}">{}</a>', url, text) if url else text


@register.filter
def duration_words(delta) -> str:
    """A timedelta in words: "1 hour", "2 hours 30 minutes", "45 minutes"."""
    if delta is None:
        return ""
    minutes = round(delta.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    hours_text = ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    minutes_text = ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": minutes}
    if not hours:
        return minutes_text
    if not minutes:
        return hours_text
    # Translators: a duration in hours and minutes: “2 hours 30 minutes”.
    return pgettext("duration", "%(hours)s %(minutes)s") % {
        "hours": hours_text,
        "minutes": minutes_text,
    }


@register.simple_tag
def status_badge(value, label=""):
    """A status in words, styled by its class (never colour alone): `value` is a report, a
    status value ("limited", "no_report"), or None for no report; `label` replaces the
    words ("Never reported")."""
    if value is None or value == "" or value == NO_REPORT:
        key, words = NO_REPORT, NO_REPORT_LABEL
    elif isinstance(value, ProgressReport):
        key, words = value.status, value.get_status_display()
    else:
        key, words = value, ProgressReport.Status(value).label
    return format_html('<span class="status status-{}">{}</span>', key, label or words)


@register.simple_tag
def matrix_rows(matrix):
    """The matrix's body rows, built in Python: each cell the same HTML as a template would
    give (a status badge linked to its report, and the date it speaks for), at a small part
    of the cost (266 cells: about 50 ms through the template engine). Dates and labels are
    formatted once each, however many cells share them."""
    dates = functools.cache(lambda day: conditional_escape(date_format(day)))
    no_report = status_badge(None)
    # Translators: read by screen readers before the date a matrix cell's report speaks for.
    as_of = conditional_escape(pgettext("before a date", "as of"))
    report_path = reverse("report_detail", args=[0]).removesuffix("0/")
    rows = []
    for row in matrix.rows:
        cells = []
        for report in row.cells:
            if report is None:
                cells.append(f"<td>{no_report}</td>")
                continue
            cells.append(
                f'<td><a href="{report_path}{report.pk}/">{status_badge(report)}</a> '
                f'<span class="as-of"><span class="visually-hidden">{as_of} </span>'
                f"{dates(report.as_of)}</span></td>"
            )
        rows.append(
            f'<tr><th scope="row">{conditional_escape(participant_link(row.participant))}</th>'
            f"{''.join(cells)}</tr>"
        )
    # Safe: every part above is escaped (the badges by format_html) or the app's own markup.
    return mark_safe("\n".join(rows))
