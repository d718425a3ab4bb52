"""The open data: what /data/ publishes, declared once per file (a Frictionless resource).

Each `Resource` names its file, says what it holds, which rows are public (`rows`), and its
columns (`Column`: name, Frictionless type, description, constraints, where the value comes
from). The CSV files, the table schemas in `datapackage.json`, the package's README and the
data dictionary on the page are all made from these declarations, so they cannot drift.

What is public matches what anonymous visitors see on the site's pages: the statement's
reference data, the meetings, groups and their volunteers, attendance and assistance, the
recommendations and the mechanisms, and the handovers of recommendations (the meeting pages
show them). The handovers of commitments appear only on the handover register, and the
reports only on the progress pages: both are published when progress is public
(FOLLOWUP_PUBLIC_PROGRESS), then with submitted reports only, never drafts. No user, email
or history row is published, nor the names of delegates and experts (officials named in
free text, which only their meeting's and group's pages show).

Values are read with `values()` (no model instances), a chunk at a time, so that the reports
file streams from the database at any size; text is neutralised as in the reports export
(`exports.neutralise`), and the package's README says so.
"""

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery, Value
from django.db.models.aggregates import StringAgg
from django.template.loader import render_to_string
from django.utils import timezone, translation

from commitments.access import progress_is_public
from commitments.exports import CHUNK_SIZE, LINES_PER_CHUNK, _Echo, as_text, neutralise
from commitments.links import absolute_url
from commitments.models import (
    CONFIDENCE_MEANINGS,
    Assistance,
    Attendance,
    Commitment,
    Confidence,
    DataVersion,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MinisterialMeeting,
    Paragraph,
    Participant,
    ProgressReport,
    Recommendation,
    Volunteer,
)
from commitments.models.meetings import DatePrecision

PACKAGE_NAME = "bali-followup-data"
ZIP_FILENAME = f"{PACKAGE_NAME}.zip"
README_TEMPLATE = "commitments/open_data/README.md"
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0 International",
}
SOURCES = [
    {
        "title": "Co-Chairs' Statement, Bali Ministerial Conference on People Smuggling, "
        "Trafficking in Persons and Related Transnational Crime, 26-28 February 2002",
    },
    {"title": "The secretariat's records of the follow-up (meetings, groups, recommendations)"},
    {"title": "Participants' voluntary self-reports of progress (paragraph 19)"},
]
CSV_MEDIATYPE = "text/csv"

TYPES = {"string", "integer", "date", "boolean"}


@dataclass(frozen=True)
class Column:
    """One column of a file: its name and Frictionless type, what it means, its constraints,
    and where its value comes from: `source`, a lookup for `values()` (the name itself when
    None), and `convert`, applied to the value read (or, with `from_row`, to the whole row
    read, for a value computed from several fields)."""

    name: str
    type: str
    description: str
    source: str | None = None
    convert: Callable | None = None
    from_row: bool = False
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] = ()

    def __post_init__(self):
        assert self.type in TYPES, f"{self.name}: {self.type} is not a type the files use"

    @property
    def lookup(self) -> str:
        return self.source or self.name

    def value(self, row: dict):
        if self.from_row:
            return self.convert(row)
        value = row[self.lookup]
        return self.convert(value) if self.convert and value is not None else value

    def schema(self) -> dict:
        descriptor = {"name": self.name, "type": self.type, "description": self.description}
        if self.type == "date":
            descriptor["format"] = "default"  # ISO 8601: YYYY-MM-DD
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if self.enum:
            constraints["enum"] = list(self.enum)
        if constraints:
            descriptor["constraints"] = constraints
        return descriptor


@dataclass(frozen=True)
class ForeignKey:
    """Values of `column` are values of `reference` in the file `resource` ("" for this one)."""

    column: str
    resource: str
    reference: str

    def schema(self) -> dict:
        return {
            "fields": self.column,
            "reference": {"resource": self.resource, "fields": self.reference},
        }


@dataclass(frozen=True)
class Resource:
    """One file of the package. `rows(progress_public)` is the queryset of its public rows,
    in the file's order; `progress` marks a file published only when progress is public."""

    name: str
    title: str
    description: str
    rows: Callable[[bool], QuerySet]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    progress: bool = False
    # A lookup the computed columns need besides their own (`values()` reads it too).
    also_read: tuple[str, ...] = field(default_factory=tuple)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [column.name for column in self.columns]

    def lookups(self) -> list[str]:
        names = [column.lookup for column in self.columns if not column.from_row]
        return list(dict.fromkeys([*names, *self.also_read]))

    def values(self, progress_public: bool) -> Iterator[list]:
        """One list of values per public row, CHUNK_SIZE rows fetched at a time."""
        queryset = self.rows(progress_public).values(*self.lookups())
        for row in queryset.iterator(chunk_size=CHUNK_SIZE):
            yield [column.value(row) for column in self.columns]

    def schema(self) -> dict:
        return {
            "fields": [column.schema() for column in self.columns],
            "primaryKey": list(self.primary_key),
            "foreignKeys": [key.schema() for key in self.foreign_keys],
            "missingValues": [""],
        }

    def descriptor(self) -> dict:
        return {
            "name": self.name,
            "path": self.filename,
            "title": self.title,
            "description": self.description,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": CSV_MEDIATYPE,
            "encoding": "utf-8",
            "schema": self.schema(),
        }


# Columns used by several files ------------------------------------------------------------------


def choices(text_choices) -> tuple[str, ...]:
    return tuple(text_choices.values)


def sourcing() -> tuple[Column, ...]:
    """Every historical record says where it comes from and how sure it is (models.sourcing)."""
    return (
        Column("source", "string", "The document or page the record comes from, as a citation."),
        Column("source_url", "string", "The web address of the source, if any."),
        Column(
            "confidence",
            "string",
            "How sure the record is: " + confidence_meanings(),
            required=True,
            enum=choices(Confidence),
        ),
    )


def confidence_meanings() -> str:
    return " ".join(f"{level.value}: {CONFIDENCE_MEANINGS[level]}" for level in Confidence)


def dates() -> tuple[Column, ...]:
    return (
        Column("start_date", "date", "The first day of the meeting.", required=True),
        Column("end_date", "date", "The last day of the meeting.", required=True),
        Column(
            "date_precision",
            "string",
            "day: the dates are exact; month: only the month is known (the days are the "
            "month's first and last).",
            required=True,
            enum=choices(DatePrecision),
        ),
        Column("date_note", "string", "Where sources disagree on the dates, what they say."),
        Column("place", "string", "Where the meeting was held."),
    )


def codes(model, m2m_field: str, lookup: str):
    """The codes of a row's many-to-many relations, separated by spaces (a subquery: one
    query for the whole file). Sorted in Python (`sorted_codes`): SQLite before 3.44 cannot
    order inside an aggregate."""
    through = model._meta.get_field(m2m_field).remote_field.through
    owner = model._meta.model_name
    related = (
        through.objects.filter(**{owner: OuterRef("pk")})
        .values(owner)
        .annotate(codes=StringAgg(lookup, Value(" ")))
        .values("codes")
    )
    return Subquery(related)


def sorted_codes(text: str) -> str:
    return " ".join(sorted(text.split()))


def participant_column(name: str, description: str, lookup: str, **kwargs) -> Column:
    return Column(
        name, "string", f"{description} (its short_name in participants).", lookup, **kwargs
    )


# The files -------------------------------------------------------------------------------------


def _review_due_date(row: dict):
    """As the founding meeting's page says it: computed by the model, never stored."""
    meeting = MinisterialMeeting(
        end_date=row["end_date"], review_period_months=row["review_period_months"]
    )
    return meeting.review_due_date


def _submitted_on(value: datetime.datetime) -> datetime.date:
    return timezone.localdate(value)


def _handovers(progress_public: bool) -> QuerySet:
    handovers = Handover.objects.order_by("passed_on", "pk")
    return handovers if progress_public else handovers.filter(recommendation__isnull=False)


def _reports(progress_public: bool) -> QuerySet:
    if not progress_public:
        return ProgressReport.objects.none()
    return ProgressReport.objects.submitted().with_replaced_by().order_by("pk")


def _all(model):
    return lambda progress_public: model.objects.order_by(*model._meta.ordering, "pk")


PARTICIPANTS = Resource(
    "participants",
    "Participants",
    "The states, entities and organisations named in paragraphs 1 and 2 of the statement, "
    "with their role: the co-chairs and participants (who report progress) and the observers.",
    _all(Participant),
    (
        Column(
            "short_name",
            "string",
            "The name the site uses; the key other files refer to.",
            required=True,
            unique=True,
        ),
        Column(
            "name", "string", "The name as printed in the statement.", required=True, unique=True
        ),
        Column(
            "iso3",
            "string",
            "The present-day ISO 3166 alpha-3 code (states and entities only; East Timor: TLS).",
            unique=True,
        ),
        Column(
            "kind",
            "string",
            "state, entity or organisation.",
            required=True,
            enum=choices(Participant.Kind),
        ),
        Column(
            "role",
            "string",
            "co_chair, participant or observer.",
            required=True,
            enum=choices(Participant.Role),
        ),
        Column(
            "reports_progress",
            "boolean",
            "Whether it reports progress: the co-chairs and participating states and entities.",
            from_row=True,
            required=True,
            convert=lambda row: (
                row["role"] in Participant.TRACKED_ROLES
                and row["kind"] in Participant.TRACKED_KINDS
            ),
        ),
        Column("statement_order", "integer", "Its position in the statement's lists."),
        Column("notes", "string", "Notes on the name or the code."),
    ),
    primary_key=("short_name",),
)

PARAGRAPHS = Resource(
    "paragraphs",
    "Paragraphs of the statement",
    "The 28 numbered paragraphs of the Co-Chairs' Statement, with OCR slips corrected.",
    _all(Paragraph),
    (
        Column("number", "integer", "The paragraph's number.", required=True, unique=True),
        Column("text", "string", "The paragraph's words.", required=True),
    ),
    primary_key=("number",),
)

COMMITMENTS = Resource(
    "commitments",
    "Commitments",
    "What the statement asks participants to work towards: 17a to 17f are the six bullets "
    "of paragraph 17 in order, 18 is legislation; untracked ones (15) are kept for reference.",
    _all(Commitment),
    (
        Column(
            "code",
            "string",
            "The commitment's code, as the site's addresses use it.",
            required=True,
            unique=True,
        ),
        Column(
            "paragraph",
            "integer",
            "The paragraph it comes from (number in paragraphs).",
            "paragraph__number",
            required=True,
        ),
        Column("title", "string", "A short title.", required=True),
        Column("text", "string", "The words of the statement.", required=True),
        Column(
            "tracked",
            "boolean",
            "Whether participants report progress on it.",
            "is_tracked",
            required=True,
        ),
        Column("display_order", "integer", "The order the site lists commitments in."),
    ),
    primary_key=("code",),
    foreign_keys=(ForeignKey("paragraph", "paragraphs", "number"),),
)

MINISTERIAL_MEETINGS = Resource(
    "ministerial_meetings",
    "Ministerial meetings",
    "The founding Bali conference of 2002 and the later meetings at which Ministers (or "
    "senior officials) took up the follow-up.",
    lambda progress_public: MinisterialMeeting.objects.annotate(
        co_chair_codes=codes(MinisterialMeeting, "co_chairs", "participant__iso3")
    ).order_by("start_date", "pk"),
    (
        Column(
            "slug",
            "string",
            "The meeting's key, as in its address /meetings/<slug>/.",
            required=True,
            unique=True,
        ),
        Column("name", "string", "The meeting's full name.", required=True),
        Column("short_name", "string", "Its short name.", required=True),
        Column(
            "level",
            "string",
            "ministerial or senior_officials.",
            required=True,
            enum=choices(MinisterialMeeting.Level),
        ),
        Column(
            "founding",
            "boolean",
            "Whether it is the conference whose statement set up the follow-up.",
            "is_founding",
            required=True,
        ),
        *dates(),
        Column(
            "co_chairs",
            "string",
            "The co-chairing states' ISO 3166 codes (iso3 in participants), separated by spaces.",
            "co_chair_codes",
            convert=sorted_codes,
        ),
        Column("co_chair_persons", "string", "The Ministers who co-chaired, by name."),
        Column(
            "review_period_months",
            "integer",
            "For the founding meeting: the months within "
            "which results go to Ministers (paragraph 24).",
        ),
        Column(
            "review_due_date",
            "date",
            "For the founding meeting: its end date plus the review period.",
            convert=_review_due_date,
            from_row=True,
        ),
        Column(
            "attendance_summary",
            "string",
            "Attendance as the sources give it, each source's figures kept.",
        ),
        Column("outcome", "string", "What the meeting decided."),
        *sourcing(),
    ),
    primary_key=("slug",),
)

EXPERT_GROUPS = Resource(
    "expert_groups",
    "Ad hoc experts' groups",
    "The ad hoc experts' groups of paragraph 23, with voluntary participation.",
    lambda progress_public: ExpertGroup.objects.annotate(
        commitment_codes=codes(ExpertGroup, "commitments", "commitment__code")
    ).order_by("short_name", "pk"),
    (
        Column("slug", "string", "The group's key.", required=True, unique=True),
        Column("name", "string", "The group's name.", required=True),
        Column("short_name", "string", "Its short name (AHEG I).", required=True),
        Column("theme", "string", "What the group works on.", required=True),
        Column(
            "established_at",
            "string",
            "The ministerial meeting that set it up (slug in ministerial_meetings).",
            "established_at__slug",
        ),
        participant_column(
            "coordinator", "The participant that coordinates it", "coordinator__short_name"
        ),
        Column(
            "coordinator_person",
            "string",
            "The coordinator in person, as the sources name him or her.",
        ),
        Column(
            "commitments",
            "string",
            "The codes of the commitments it covers (as in commitments), separated by spaces.",
            "commitment_codes",
            convert=sorted_codes,
        ),
        *sourcing(),
    ),
    primary_key=("slug",),
    foreign_keys=(
        ForeignKey("established_at", "ministerial_meetings", "slug"),
        ForeignKey("coordinator", "participants", "short_name"),
    ),
)

VOLUNTEERS = Resource(
    "expert_group_volunteers",
    "Volunteers of the experts' groups",
    "The participants that volunteered officials for an experts' group (paragraph 23). The "
    "officials' names are left out (see the group's page).",
    lambda progress_public: Volunteer.objects.order_by("group__slug", "participant__short_name"),
    (
        Column(
            "group", "string", "The group (slug in expert_groups).", "group__slug", required=True
        ),
        participant_column(
            "participant",
            "The participant that volunteered",
            "participant__short_name",
            required=True,
        ),
        Column("volunteered_on", "date", "When it volunteered, if recorded."),
        *sourcing(),
    ),
    primary_key=("group", "participant"),
    foreign_keys=(
        ForeignKey("group", "expert_groups", "slug"),
        ForeignKey("participant", "participants", "short_name"),
    ),
)

EXPERT_MEETINGS = Resource(
    "expert_meetings",
    "Meetings of experts",
    "The meetings of experts under paragraph 23: of one group, or across the groups.",
    lambda progress_public: ExpertMeeting.objects.order_by("start_date", "pk"),
    (
        Column(
            "slug",
            "string",
            "The meeting's key, as in its address /meetings/<slug>/.",
            required=True,
            unique=True,
        ),
        Column("title", "string", "The meeting's title.", required=True),
        Column(
            "group",
            "string",
            "The experts' group it belongs to (slug in expert_groups); "
            "empty for a meeting across the groups.",
            "group__slug",
        ),
        Column(
            "status",
            "string",
            "planned, held or cancelled.",
            required=True,
            enum=choices(ExpertMeeting.Status),
        ),
        *dates(),
        participant_column("host", "The participant that hosted it", "host__short_name"),
        Column("outcome", "string", "What the meeting did or decided."),
        *sourcing(),
    ),
    primary_key=("slug",),
    foreign_keys=(
        ForeignKey("group", "expert_groups", "slug"),
        ForeignKey("host", "participants", "short_name"),
    ),
)

ATTENDANCE = Resource(
    "expert_meeting_attendance",
    "Attendance at the meetings of experts",
    "Which participants attended each meeting of experts, where recorded (the AHEG meetings' "
    "participant lists are not known). The delegates' names are left out (see the meeting's "
    "page).",
    lambda progress_public: Attendance.objects.order_by("meeting__slug", "participant__short_name"),
    (
        Column(
            "meeting",
            "string",
            "The meeting (slug in expert_meetings).",
            "meeting__slug",
            required=True,
        ),
        participant_column(
            "participant", "The participant that attended", "participant__short_name", required=True
        ),
        *sourcing(),
    ),
    primary_key=("meeting", "participant"),
    foreign_keys=(
        ForeignKey("meeting", "expert_meetings", "slug"),
        ForeignKey("participant", "participants", "short_name"),
    ),
)

ASSISTANCE = Resource(
    "expert_meeting_assistance",
    "Assistance to the meetings of experts",
    'The organisations (IOM, UNHCR) that assisted a meeting of experts "according to their '
    'respective fields of competence" (paragraph 23), and what they did.',
    lambda progress_public: Assistance.objects.order_by(
        "meeting__slug", "organisation__short_name"
    ),
    (
        Column(
            "meeting",
            "string",
            "The meeting (slug in expert_meetings).",
            "meeting__slug",
            required=True,
        ),
        participant_column(
            "organisation", "The organisation", "organisation__short_name", required=True
        ),
        Column("role", "string", "What the organisation did for the meeting.", required=True),
        *sourcing(),
    ),
    primary_key=("meeting", "organisation"),
    foreign_keys=(
        ForeignKey("meeting", "expert_meetings", "slug"),
        ForeignKey("organisation", "participants", "short_name"),
    ),
)

RECOMMENDATIONS = Resource(
    "recommendations",
    "Recommendations",
    "The recommendations made at meetings of experts, and how far each went: proposed, "
    "submitted to Ministers, considered by them, closed as implemented or handed over "
    "(paragraphs 24 and 25).",
    lambda progress_public: Recommendation.objects.annotate(
        commitment_codes=codes(Recommendation, "commitments", "commitment__code")
    ).order_by("pk"),
    (
        Column(
            "id",
            "integer",
            "The recommendation's number on the site.",
            "pk",
            required=True,
            unique=True,
        ),
        Column(
            "meeting",
            "string",
            "The meeting of experts that made it (slug in expert_meetings).",
            "meeting__slug",
            required=True,
        ),
        Column("reference", "string", "Its number in the meeting's report, if any."),
        Column("text", "string", "The recommendation's words.", required=True),
        Column(
            "commitments",
            "string",
            "The codes of the commitments it is about (as in commitments), separated by spaces.",
            "commitment_codes",
            convert=sorted_codes,
        ),
        Column(
            "status",
            "string",
            "proposed, submitted (to Ministers), considered (by "
            "Ministers), implemented (closed) or handed_over (closed).",
            required=True,
            enum=choices(Recommendation.Status),
        ),
        Column(
            "submitted_to",
            "string",
            "The ministerial meeting it was submitted to (slug in ministerial_meetings).",
            "submitted_to__slug",
        ),
        Column("submitted_on", "date", "When it was submitted to Ministers."),
        Column(
            "outcome",
            "string",
            "What Ministers made of it: endorsed, noted or not_adopted.",
            enum=choices(Recommendation.Outcome),
        ),
        Column("considered_on", "date", "When Ministers considered it."),
        Column("closed_on", "date", "When it was closed."),
        *sourcing(),
    ),
    primary_key=("id",),
    foreign_keys=(
        ForeignKey("meeting", "expert_meetings", "slug"),
        ForeignKey("submitted_to", "ministerial_meetings", "slug"),
    ),
)

MECHANISMS = Resource(
    "mechanisms",
    "Existing mechanisms",
    "The existing bilateral, regional and international mechanisms to which follow-up can "
    "pass after the 12-month period (paragraph 25).",
    _all(Mechanism),
    (
        Column("slug", "string", "The mechanism's key.", required=True, unique=True),
        Column("name", "string", "Its name.", required=True, unique=True),
        Column("short_name", "string", "Its short name.", required=True),
        Column(
            "scope",
            "string",
            "bilateral, regional or international.",
            required=True,
            enum=choices(Mechanism.Scope),
        ),
        Column("description", "string", "What it is."),
        Column("url", "string", "Its web site."),
        *sourcing(),
    ),
    primary_key=("slug",),
)

HANDOVERS = Resource(
    "handovers",
    "Handovers to existing mechanisms",
    "Open items passed to an existing mechanism after the 12-month period (paragraph 25): a "
    "recommendation, or (when progress is public) a commitment on which work continues.",
    _handovers,
    (
        Column(
            "id", "integer", "The handover's number on the site.", "pk", required=True, unique=True
        ),
        Column(
            "recommendation",
            "integer",
            "The recommendation passed on (id in recommendations); empty for a commitment.",
            "recommendation_id",
        ),
        Column(
            "commitment",
            "string",
            "The commitment passed on (code in commitments); empty for a recommendation.",
            "commitment__code",
        ),
        Column(
            "mechanism",
            "string",
            "The mechanism it was passed to (slug in mechanisms).",
            "mechanism__slug",
            required=True,
        ),
        Column("passed_on", "date", "When it was passed on.", required=True),
        *sourcing(),
    ),
    primary_key=("id",),
    foreign_keys=(
        ForeignKey("recommendation", "recommendations", "id"),
        ForeignKey("commitment", "commitments", "code"),
        ForeignKey("mechanism", "mechanisms", "slug"),
    ),
)

REPORTS = Resource(
    "reports",
    "Progress reports",
    "Every submitted progress report: one participant's own account of where it stands on "
    "one commitment, as of a date (voluntary self-reporting, paragraph 19: not a score, and "
    "no ranking). A correction is a new report (corrects); the one it corrects names it "
    "(replaced_by). Keep the rows with an empty replaced_by for the current reports.",
    _reports,
    (
        Column(
            "id",
            "integer",
            "The report's number, as in its address /reports/<id>/.",
            "pk",
            required=True,
            unique=True,
        ),
        Column(
            "participant_iso3",
            "string",
            "The reporting participant's ISO 3166 code (iso3 in participants).",
            "participant__iso3",
            required=True,
        ),
        Column(
            "participant",
            "string",
            "The participant's short name.",
            "participant__short_name",
            required=True,
        ),
        Column(
            "commitment",
            "string",
            "The commitment (code in commitments).",
            "commitment__code",
            required=True,
        ),
        Column(
            "status",
            "string",
            "Where the participant says it stands (the status scale, "
            "/status-scale/): not_started, limited, substantial, complete or "
            "not_applicable.",
            required=True,
            enum=choices(ProgressReport.Status),
        ),
        Column("as_of", "date", "The date the report speaks for.", required=True),
        Column(
            "submitted_on",
            "date",
            "When it was submitted.",
            "submitted_at",
            convert=_submitted_on,
            required=True,
        ),
        Column(
            "confidence",
            "string",
            "How sure the information is: " + confidence_meanings(),
            required=True,
            enum=choices(Confidence),
        ),
        Column(
            "corrects",
            "integer",
            "The report this one corrects (id), if it is a correction.",
            "corrects_id",
        ),
        Column(
            "replaced_by",
            "integer",
            "The submitted correction that replaced this report (id); empty while it is current.",
        ),
        Column("narrative", "string", "The participant's own account.", required=True),
        Column("source", "string", "Who or what the information comes from."),
        Column(
            "evidence_links",
            "string",
            "Links to evidence (laws, agreements, reports), one "
            "per line. Evidence files are on the report's page.",
        ),
        Column(
            "demonstration",
            "boolean",
            "Whether the report is demonstration data made up "
            "by the site's seed_demo command: never anyone's real progress.",
            "is_demo",
            required=True,
        ),
    ),
    primary_key=("id",),
    foreign_keys=(
        ForeignKey("participant_iso3", "participants", "iso3"),
        ForeignKey("commitment", "commitments", "code"),
        ForeignKey("corrects", "", "id"),
        ForeignKey("replaced_by", "", "id"),
    ),
    progress=True,
)

# In the order of the package and the page: each file after those it refers to.
RESOURCES = (
    PARTICIPANTS,
    PARAGRAPHS,
    COMMITMENTS,
    MINISTERIAL_MEETINGS,
    EXPERT_GROUPS,
    VOLUNTEERS,
    EXPERT_MEETINGS,
    ATTENDANCE,
    ASSISTANCE,
    RECOMMENDATIONS,
    MECHANISMS,
    HANDOVERS,
    REPORTS,
)


def published(progress_public: bool | None = None) -> list[Resource]:
    """The files published: the reports only when progress is public."""
    public = progress_is_public() if progress_public is None else progress_public
    return [resource for resource in RESOURCES if public or not resource.progress]


def resource_named(name: str, progress_public: bool | None = None) -> Resource | None:
    return next((r for r in published(progress_public) if r.name == name), None)


# The files' contents --------------------------------------------------------------------------


def csv_cell(column: Column, value) -> str:
    """ISO dates, digits, true/false, empty for none; text neutralised (exports.neutralise)
    so that a spreadsheet never runs it as a formula. Only text: a date or a number is never
    one, and its apostrophe would make it invalid for its type."""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = as_text(value)
    return neutralise(text) if column.type == "string" else text


def csv_chunks(resource: Resource, rows: Iterable[list]) -> Iterator[str]:
    """The file's text for these rows (`resource.values()`), LINES_PER_CHUNK lines at a time.
    UTF-8 without a byte-order mark, as the Frictionless specification and programs expect
    (the reports page's export, made for spreadsheets, has one)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    lines = [writer.writerow(resource.header)]
    for row in rows:
        lines.append(
            writer.writerow([csv_cell(c, v) for c, v in zip(resource.columns, row, strict=True)])
        )
        if len(lines) >= LINES_PER_CHUNK:
            yield "".join(lines)
            lines = []
    if lines:
        yield "".join(lines)


def counted(rows: Iterable, counter: list[int]) -> Iterator:
    """The rows, adding one to counter[0] for each that passes."""
    for row in rows:
        counter[0] += 1
        yield row


# These three in English whatever the page's language: the package is one for everyone.
@translation.override("en")
def descriptor(progress_public: bool) -> dict:
    """datapackage.json: the package, its licence and sources, and a table schema per file.
    The paths are relative, so the same descriptor works inside the zip and at /data/."""
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": "Follow-up of the 2002 Bali Ministerial Conference on People Smuggling",
        "description": (
            "The reference data of the Co-Chairs' Statement of the Bali Ministerial "
            "Conference on People Smuggling, Trafficking in Persons and Related Transnational "
            "Crime (26-28 February 2002), the follow-up mechanism's meetings, groups, "
            "recommendations and handovers"
            + (", and the participants' submitted progress reports." if progress_public else ".")
            + " See README.md."
        ),
        "homepage": absolute_url("open_data"),
        "licenses": [LICENSE],
        "sources": SOURCES,
        "keywords": ["Bali Process", "people smuggling", "trafficking in persons"],
        "resources": [resource.descriptor() for resource in published(progress_public)],
    }


def descriptor_json(progress_public: bool) -> str:
    return json.dumps(descriptor(progress_public), indent=2, ensure_ascii=False) + "\n"


@translation.override("en")
def readme(progress_public: bool, demo: bool) -> str:
    context = {
        "resources": published(progress_public),
        "progress_public": progress_public,
        "demo": demo,
        "license": LICENSE,
        "confidences": [(level, CONFIDENCE_MEANINGS[level]) for level in Confidence],
        "page_url": absolute_url("open_data"),
        "status_scale_url": absolute_url("status_scale"),
        "tracker_name": settings.SITE_NAME,
    }
    return render_to_string(README_TEMPLATE, context)


LICENSE_TEXT = """\
The data in this package (the compilation: its selection, arrangement and tables) is made
available under the Creative Commons Attribution 4.0 International licence (CC BY 4.0):
https://creativecommons.org/licenses/by/4.0/legalcode

Attribute it as: "{tracker_name}, {page_url}".

The Co-Chairs' Statement of the Bali Ministerial Conference (2002) is a public
intergovernmental document; its words are reproduced in paragraphs.csv and commitments.csv.
The participants' progress reports are their own voluntary accounts (paragraph 19).
"""


@translation.override("en")
def write_package(file, *, progress_public: bool, demo: bool) -> int:
    """Write the zip to the binary `file`: datapackage.json, README.md, LICENSE.txt and one
    CSV per published file, each streamed into the archive a chunk at a time (memory stays
    flat, whatever the number of reports). Returns the number of data rows written."""
    counter = [0]
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("datapackage.json", descriptor_json(progress_public))
        archive.writestr("README.md", readme(progress_public, demo))
        page_url = absolute_url("open_data")
        licence = LICENSE_TEXT.format(tracker_name=str(settings.SITE_NAME), page_url=page_url)
        archive.writestr("LICENSE.txt", licence)
        for resource in published(progress_public):
            with archive.open(resource.filename, "w", force_zip64=True) as member:
                text = io.TextIOWrapper(member, encoding="utf-8", newline="")
                rows = counted(resource.values(progress_public), counter)
                for chunk in csv_chunks(resource, rows):
                    text.write(chunk)
                text.flush()
                text.detach()
    return counter[0]


# What the page shows --------------------------------------------------------------------------


@dataclass
class Summary:
    """The page's numbers: rows per file (in the order of `published()`) and when the data
    last changed."""

    files: list[tuple[Resource, int]]
    changed_at: datetime.datetime | None


def build_summary(progress_public: bool) -> Summary:
    """One count per file, and the data version's time: a fixed number of queries. The page
    keeps what it shows of it in the cache, under the data version."""
    files = [(r, r.rows(progress_public).count()) for r in published(progress_public)]
    changed_at = DataVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
    return Summary(files=files, changed_at=changed_at)
