"""The read-only API: every resource, read with a token, answers what the schema says; the
pages' rules (progress behind a login, drafts never shown); bad input answered with a clear
400 or 404; GET, HEAD and OPTIONS only; a fixed number of queries whatever the data."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from commitments.models import (
    Assistance,
    Attendance,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MeetingDocument,
    Participant,
    Recommendation,
    RecommendationEvent,
    Volunteer,
)
from tests.api import token_client, validated
from tests.conftest import get_counting_queries, make_correction, make_report

pytestmark = pytest.mark.django_db

MEETING = "aheg-1-colombo-2003"


@pytest.fixture
def api(official_of_indonesia):
    return token_client(official_of_indonesia)[0]


@pytest.fixture
def follow_up(indonesia, thailand, secretariat_user, settings, tmp_path):
    """One of each record the API shows, so that every nested list has a row."""
    settings.MEDIA_ROOT = tmp_path
    meeting = ExpertMeeting.objects.get(slug=MEETING)
    Attendance.objects.create(meeting=meeting, participant=thailand, delegates="Dr A")
    iom = Participant.objects.get(short_name="IOM")
    Assistance.objects.create(meeting=meeting, organisation=iom, role="Rapporteur")
    MeetingDocument.objects.create(
        meeting=meeting, title="Report", file=ContentFile(b"%PDF-1.4", name="r.pdf")
    )
    MeetingDocument.objects.create(meeting=meeting, title="Web", url="https://example.org/r")
    Volunteer.objects.create(group=ExpertGroup.objects.get(slug="aheg-1"), participant=indonesia)
    recommendation = Recommendation.objects.create(meeting=meeting, reference="1", text="Share.")
    recommendation.commitments.set([1])
    RecommendationEvent.objects.create(
        recommendation=recommendation,
        from_status="proposed",
        to_status="submitted",
        happened_on=meeting.end_date,
        recorded_by=secretariat_user,
    )
    handover = Handover.objects.create(
        recommendation=recommendation,
        mechanism=Mechanism.objects.get(slug="apc"),
        passed_on=meeting.end_date,
    )
    return {"recommendation": recommendation, "handover": handover}


def every_url(follow_up, report):
    """A list and a record of each resource, and the matrix (today's and a past date's)."""
    return [
        "/api/v1/",
        "/api/v1/participants/",
        "/api/v1/participants/idn/",
        f"/api/v1/participants/{Participant.objects.get(short_name='IOM').pk}/",
        "/api/v1/paragraphs/",
        "/api/v1/paragraphs/17/",
        "/api/v1/commitments/",
        "/api/v1/commitments/17a/",
        "/api/v1/ministerial-meetings/",
        "/api/v1/ministerial-meetings/bali-2002/",
        "/api/v1/expert-meetings/",
        f"/api/v1/expert-meetings/{MEETING}/",
        "/api/v1/expert-groups/",
        "/api/v1/expert-groups/aheg-1/",
        "/api/v1/recommendations/",
        f"/api/v1/recommendations/{follow_up['recommendation'].pk}/",
        "/api/v1/mechanisms/",
        "/api/v1/mechanisms/apc/",
        "/api/v1/handovers/",
        f"/api/v1/handovers/{follow_up['handover'].pk}/",
        "/api/v1/reports/",
        f"/api/v1/reports/{report.pk}/",
        "/api/v1/matrix/",
        "/api/v1/matrix/?as_of=2003-02-28",
    ]


def test_a_token_reads_every_resource_as_the_schema_describes_it(
    api, follow_up, indonesia, official_of_indonesia
):
    original = make_report(indonesia, "17a", as_of=datetime.date(2003, 1, 15))
    make_correction(original=original, user=official_of_indonesia, as_of=datetime.date(2003, 2, 1))
    for url in every_url(follow_up, original):
        response = api.get(url)
        assert response.status_code == 200, url
        validated(response)


def test_the_records_read_as_on_their_pages(api, follow_up, indonesia, official_of_indonesia):
    original = make_report(indonesia, "17a", evidence_links="https://example.org/law\n\n")
    correction = make_correction(original=original, user=official_of_indonesia)
    from commitments.services.reports import report_submit

    report_submit(report=correction, user=official_of_indonesia)

    report = api.get(f"/api/v1/reports/{original.pk}/").json()
    meeting = api.get(f"/api/v1/expert-meetings/{MEETING}/").json()
    group = api.get("/api/v1/expert-groups/aheg-1/").json()
    recommendation = api.get(f"/api/v1/recommendations/{follow_up['recommendation'].pk}/").json()

    assert report["participant"] == {"id": indonesia.pk, "iso3": "IDN", "short_name": "Indonesia"}
    assert report["evidence_links"] == ["https://example.org/law"]
    assert report["replaced_by"] == correction.pk
    assert [a["delegates"] for a in meeting["attendance"]] == ["Dr A"]
    assert meeting["assistance"][0]["organisation"]["iso3"] is None  # an organisation: no code
    assert {d["url"] is None for d in meeting["documents"]} == {True, False}
    assert [v["participant"]["iso3"] for v in group["volunteers"]] == ["IDN"]
    assert recommendation["moves"][0]["recorded_by"] == "amir"  # as the meeting's page names
    assert recommendation["handovers"] == [{"mechanism": "apc", "passed_on": "2003-03-14"}]
    assert recommendation["outcome"] is None


def test_reference_data_is_public_and_progress_data_needs_a_login(client, follow_up):
    for url in ["/api/v1/participants/", f"/api/v1/expert-meetings/{MEETING}/"]:
        assert client.get(url).status_code == 200
    for url in ["/api/v1/reports/", "/api/v1/matrix/", "/api/v1/handovers/"]:
        response = validated(client.get(url))
        assert response.status_code == 401, url
        assert "/accounts/tokens/" in response.json()["detail"]
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_progress_data_is_public_when_the_deployment_says_so(client, settings, indonesia):
    settings.FOLLOWUP_PUBLIC_PROGRESS = True
    make_report(indonesia)
    assert validated(client.get("/api/v1/reports/")).status_code == 200
    assert validated(client.get("/api/v1/matrix/")).status_code == 200


def test_the_browser_reads_the_api_with_its_session(siti, indonesia):
    make_report(indonesia)
    assert len(siti.get("/api/v1/reports/").json()["results"]) == 1


def test_drafts_never_appear(api, indonesia, official_of_indonesia):
    draft = make_report(indonesia, "17b", submitted=False, user=official_of_indonesia)

    assert api.get("/api/v1/reports/").json()["results"] == []
    response = validated(api.get(f"/api/v1/reports/{draft.pk}/"))
    assert response.status_code == 404  # to its own official too: the API shows no drafts
    assert response.json() == {"detail": "No report has that number."}
    cells = [c for row in api.get("/api/v1/matrix/").json()["rows"] for c in row["cells"]]
    assert {cell["status"] for cell in cells} == {"no_report"}


def test_no_reports_is_an_empty_list_and_an_empty_matrix(api):
    assert validated(api.get("/api/v1/reports/")).json() == {
        "next": None,
        "previous": None,
        "results": [],
    }
    matrix = validated(api.get("/api/v1/matrix/")).json()
    assert len(matrix["rows"]) == Participant.objects.tracked().count()
    assert all(cell["report"] is None for row in matrix["rows"] for cell in row["cells"])


def test_the_matrix_stands_on_the_date_it_is_asked_for(api, indonesia):
    earlier = make_report(indonesia, "17a", as_of=datetime.date(2003, 1, 15), status="limited")
    make_report(indonesia, "17a", as_of=datetime.date(2004, 1, 15), status="complete")

    matrix = api.get("/api/v1/matrix/?as_of=2003-06-30").json()

    row = next(row for row in matrix["rows"] if row["participant"]["iso3"] == "IDN")
    assert matrix["as_of"] == "2003-06-30"
    assert row["cells"][0] == {
        "commitment": "17a",
        "status": "limited",
        "report": earlier.pk,
        "as_of": "2003-01-15",
        "confidence": "medium",
    }


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/v1/matrix/?as_of=2003-02-30", "as_of", "Enter a date as YYYY-MM-DD"),
        ("/api/v1/matrix/?as_of=2001-01-01", "as_of", "when the Bali conference opened"),
        ("/api/v1/matrix/?as_of=2999-01-01", "as_of", "not in the future"),
        ("/api/v1/reports/?cursor=bogus", "cursor", "not one the API gave"),
        ("/api/v1/reports/?participant=XYZ", "participant", "valid choice"),
        ("/api/v1/reports/?status=best", "status", "valid choice"),
        (
            "/api/v1/reports/?as_of_after=2004-01-01&as_of_before=2003-01-01",
            "as_of_before",
            "before",
        ),
        ("/api/v1/participants/?page=99", "page", "no such page"),
    ],
)
def test_bad_input_is_a_400_that_names_the_parameter(api, url, field, message):
    response = validated(api.get(url))
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/api/v1/participants/XYZ/", "No participant has that ISO 3166 code or id."),
        ("/api/v1/participants/999999/", "No participant has that ISO 3166 code or id."),
        ("/api/v1/commitments/99z/", "No commitment has that code."),
        ("/api/v1/paragraphs/29/", "The statement has no paragraph with that number."),
        ("/api/v1/expert-meetings/bali-2002/", "No expert meeting has that slug."),
        ("/api/v1/reports/abc/", "No report has that number."),
    ],
)
def test_an_unknown_code_is_a_404_that_says_what_was_not_found(api, url, message):
    response = validated(api.get(url))
    assert response.status_code == 404
    assert response.json() == {"detail": message}


def test_reports_are_filtered_as_on_the_reports_page(
    api, indonesia, thailand, official_of_indonesia
):
    idn = make_report(indonesia, "17a", as_of=datetime.date(2003, 1, 15), confidence="high")
    make_report(thailand, "17b", as_of=datetime.date(2003, 5, 1), status="complete")
    correction = make_correction(original=idn, user=official_of_indonesia)
    from commitments.services.reports import report_submit

    report_submit(report=correction, user=official_of_indonesia)

    def ids(query):
        response = validated(api.get(f"/api/v1/reports/?{query}"))
        return sorted(report["id"] for report in response.json()["results"])

    assert ids("participant=idn") == sorted([idn.pk, correction.pk])
    assert ids("participant=IDN&current=true") == [correction.pk]
    assert ids("commitment=17b&status=complete") == ids("as_of=2003-05-01")
    assert ids("confidence=high") == sorted([idn.pk, correction.pk])  # the correction kept it
    assert ids("as_of_after=2003-02-01&as_of_before=2003-12-31") == ids("commitment=17b")


def test_the_reports_are_paged_by_cursor_newest_date_first(api, indonesia):
    dates = [datetime.date(2003, month, 1) for month in (1, 2, 3)]
    for day in dates:
        make_report(indonesia, "17a", as_of=day)

    seen, url = [], "/api/v1/reports/?page_size=2"
    while url:
        page = validated(api.get(url)).json()
        seen += [report["as_of"] for report in page["results"]]
        url = page["next"]

    assert seen == [day.isoformat() for day in reversed(dates)]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(api, client, indonesia, method):
    report = make_report(indonesia)
    for url in [
        "/api/v1/participants/",
        "/api/v1/participants/IDN/",
        f"/api/v1/reports/{report.pk}/",
    ]:
        assert getattr(api, method)(url).status_code == 405, url
    # Without a login the progress data's login check comes first, as for GET.
    assert getattr(client, method)("/api/v1/reports/").status_code == 401
    assert getattr(client, method)("/api/v1/matrix/").status_code == 401


def test_head_and_options_are_answered(api):
    assert api.head("/api/v1/participants/").status_code == 200
    assert api.options("/api/v1/participants/").status_code == 200


# Queries: the same number whatever the data ---------------------------------------------------

# Each request with a token: the token with its user (one query; last_used_at was written by
# the first request and is not written again within five minutes).
QUERIES = {
    # The page-number lists: a count and the page, then each prefetch.
    "/api/v1/participants/": 1 + 2,
    "/api/v1/paragraphs/": 1 + 2,
    "/api/v1/commitments/": 1 + 2,  # the paragraph joined
    "/api/v1/ministerial-meetings/": 1 + 2 + 1,  # co-chairs
    # attendance, its participants, assistance, its organisations, documents
    f"/api/v1/expert-meetings/{MEETING}/": 1 + 1 + 5,
    "/api/v1/expert-meetings/": 1 + 2 + 5,
    "/api/v1/expert-groups/": 1 + 2 + 3,  # commitments, volunteers, meetings
    "/api/v1/recommendations/": 1 + 2 + 3,  # commitments, moves, handovers
    "/api/v1/handovers/": 1 + 2,
    "/api/v1/mechanisms/": 1 + 2,
    # One page of reports (no count: a cursor).
    "/api/v1/reports/": 1 + 1,
    "/api/v1/reports/?participant=IDN&commitment=17a&current=on": 1 + 2 + 1,  # the two codes
    # The commitments, the participants with one subquery per commitment, the reports.
    "/api/v1/matrix/": 1 + 3,
}


def more_data(follow_up, participants, secretariat_user):
    """Reports, volunteers, attendance and moves of several participants."""
    meeting = ExpertMeeting.objects.get(slug=MEETING)
    group = ExpertGroup.objects.get(slug="aheg-1")
    for participant in participants:
        for code in ("17a", "17b"):
            make_report(participant, code)
        Attendance.objects.create(meeting=meeting, participant=participant)
        Volunteer.objects.get_or_create(group=group, participant=participant)
        recommendation = Recommendation.objects.create(meeting=meeting, text="More.")
        recommendation.commitments.set([1, 2])
        RecommendationEvent.objects.create(
            recommendation=recommendation,
            from_status="proposed",
            to_status="submitted",
            happened_on=meeting.end_date,
            recorded_by=secretariat_user,
        )


def test_every_endpoint_runs_the_same_queries_whatever_the_data(
    api, follow_up, indonesia, secretariat_user
):
    make_report(indonesia)
    api.get("/api/v1/")  # the token's first use writes last_used_at, once
    small = {url: get_counting_queries(api, url)[1] for url in QUERIES}
    more_data(follow_up, Participant.objects.tracked()[:6], secretariat_user)
    large = {url: get_counting_queries(api, url)[1] for url in QUERIES}

    assert small == large == QUERIES


def test_a_report_is_read_in_two_queries(api, indonesia):
    report = make_report(indonesia)
    api.get("/api/v1/")
    # The token, the report with its participant, commitment and replacement.
    assert get_counting_queries(api, f"/api/v1/reports/{report.pk}/")[1] == 2


def test_an_anonymous_caller_runs_no_query_for_a_refusal(indonesia):
    make_report(indonesia)
    client = Client()
    _, queries = get_counting_queries(client, "/api/v1/participants/")
    assert queries == 1 + 1  # the count and the page
