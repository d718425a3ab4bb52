"""The secretariat's admin: every page loads, lists stay fast, reports follow their rules."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.db import connection
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from commitments.models import (
    Comment,
    Commitment,
    EvidenceFile,
    ExpertGroup,
    ExpertMeeting,
    Handover,
    Mechanism,
    MeetingDocument,
    Official,
    Participant,
    ProgressReport,
    Recommendation,
    RecommendationEvent,
    SentReminder,
    Volunteer,
)
from commitments.services.mail import queue_email
from tests.conftest import count_queries, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_of_everything(indonesia, official_of_indonesia):
    """Reference data has no recommendation, report or volunteer: add one of each."""
    meeting = ExpertMeeting.objects.get(slug="aheg-1-colombo-2003")
    Recommendation.objects.create(meeting=meeting, reference="1", text="Share information.")
    Volunteer.objects.create(group=ExpertGroup.objects.get(slug="aheg-1"), participant=indonesia)
    make_report(indonesia, user=official_of_indonesia)
    report = make_report(indonesia, "17c", user=official_of_indonesia)
    make_report(indonesia, "17b", submitted=False, user=official_of_indonesia)
    Comment.objects.create(report=report, author=official_of_indonesia, kind="reply", body="Hi")
    EvidenceFile.objects.create(
        report=report, file="evidence/x/law.pdf", original_name="law.pdf",
        content_type="application/pdf", size=10,
    )  # fmt: skip
    Group.objects.create(name="Readers")
    recommendation = Recommendation.objects.get(reference="1")
    RecommendationEvent.objects.create(
        recommendation=recommendation, from_status="proposed", to_status="submitted",
        happened_on=datetime.date(2003, 4, 28),
    )  # fmt: skip
    Handover.objects.create(
        commitment=Commitment.objects.get(code="18"), mechanism=Mechanism.objects.get(slug="apc"),
        passed_on=datetime.date(2003, 6, 1),
    )  # fmt: skip
    SentReminder.objects.create(key="test", recipient="siti@example.org", subject="Reminder")
    # An outgoing email and its delivery task, waiting (no worker runs in tests).
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        queue_email(kind="comment", to="siti@example.org", subject="Question", body="Which?")
    MeetingDocument.objects.create(
        meeting=recommendation.meeting, title="Report", url="https://example.org/report"
    )
    login = {"username": "siti", "ip_address": "127.0.0.1", "user_agent": "test",
             "http_accept": "*/*", "path_info": "/accounts/login/"}  # fmt: skip
    AccessAttempt.objects.create(**login, failures_since_start=1, get_data="", post_data="")
    AccessLog.objects.create(**login)
    AccessFailureLog.objects.create(**login, locked_out=False)


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.usefixtures("one_of_everything")
@pytest.mark.parametrize("model", registered_models(), ids=lambda m: m._meta.label)
def test_every_admin_page_loads_for_a_superuser(client, superuser, model):
    client.force_login(superuser)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/")
    request.user = superuser
    may_add = model_admin.has_add_permission(request)
    assert client.get(admin_url(model, "add")).status_code == (200 if may_add else 403)
    instance = model.objects.order_by("pk").first()
    assert instance is not None, "each registered model needs a row for this test"
    assert client.get(admin_url(model, "change", instance.pk)).status_code == 200
    if hasattr(model, "history"):
        assert client.get(admin_url(model, "history", instance.pk)).status_code == 200


def test_every_model_of_the_app_is_in_the_admin():
    from django.apps import apps

    app_models = {
        m
        for m in apps.get_app_config("commitments").get_models()
        # The data version is the key of cached pages, and prepared documents are made from
        # the data: neither is data anyone enters. API tokens are each user's own keys, made
        # and revoked on the account page only: the staff never handle them. An import is its
        # uploader's, seen on /reports/import/. A user's preferences are theirs, on their
        # account page.
        if "Historical" not in m.__name__
        and m.__name__
        not in {"DataVersion", "PreparedDocument", "ApiToken", "ReportImport", "AccountPreference"}
    }
    assert app_models <= set(admin.site._registry)


def test_the_admin_is_branded_as_the_tracker(client, superuser):
    client.force_login(superuser)
    page = client.get("/admin/").content.decode()
    assert "Bali follow-up tracker" in page
    assert "Django administration" not in page


def test_anonymous_users_are_sent_to_the_admin_login(client):
    response = client.get(admin_url(ProgressReport, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_an_official_without_staff_status_cannot_use_the_admin(client, official_of_indonesia):
    client.force_login(official_of_indonesia)
    response = client.get(admin_url(ProgressReport, "changelist"))
    assert response.status_code == 302


def test_the_reports_changelist_query_count_does_not_grow(client, superuser, indonesia):
    client.force_login(superuser)
    url = admin_url(ProgressReport, "changelist")

    for code in ["17a", "17b", "17c"]:
        make_report(indonesia, code)
    small = count_queries(client, url)
    for code in ["17a", "17b", "17c", "17d", "17e", "17f", "18"]:
        for day in range(1, 10):
            make_report(indonesia, code, as_of=datetime.date(2003, 3, day))
    assert count_queries(client, url) == small


@pytest.mark.parametrize("query", ["", "?state__exact=submitted"])
def test_the_reports_changelist_never_counts_the_whole_table(client, superuser, indonesia, query):
    make_report(indonesia)
    client.force_login(superuser)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(admin_url(ProgressReport, "changelist") + query).status_code == 200
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "progressreport" in q["sql"]]
    assert counts, "the paginator counts, within its cap"
    assert all("LIMIT" in sql for sql in counts), counts
    assert not [q for q in queries if "DISTINCT" in q["sql"] and "as_of" in q["sql"]]


def test_a_submitted_report_is_shown_read_only_with_a_correction_link(client, superuser, indonesia):
    report = make_report(indonesia)
    client.force_login(superuser)
    response = client.get(admin_url(ProgressReport, "change", report.pk))
    page = response.content.decode()
    assert 'name="narrative"' not in page
    assert f"?corrects={report.pk}" in page

    response = client.post(
        admin_url(ProgressReport, "change", report.pk),
        {"narrative": "Rewritten", "status": "complete"},
    )
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.narrative == "An inter-agency working group was set up."


def test_a_submitted_report_cannot_be_deleted_in_the_admin(client, superuser, indonesia):
    report = make_report(indonesia)
    client.force_login(superuser)
    response = client.post(admin_url(ProgressReport, "delete", report.pk), {"post": "yes"})
    assert response.status_code == 403
    assert ProgressReport.objects.filter(pk=report.pk).exists()


def test_the_reports_admin_has_no_bulk_delete(client, superuser, indonesia):
    make_report(indonesia)
    client.force_login(superuser)
    page = client.get(admin_url(ProgressReport, "changelist")).content.decode()
    assert "delete_selected" not in page


def test_the_correction_form_is_prefilled_from_the_original(client, superuser, indonesia):
    report = make_report(indonesia, narrative="Original words.")
    client.force_login(superuser)
    page = client.get(admin_url(ProgressReport, "add") + f"?corrects={report.pk}").content.decode()
    assert "Original words." in page
    assert f'value="{report.pk}"' in page


def report_form(participant, **overrides):
    data = {
        "participant": participant.pk,
        "commitment": 1,
        "status": "substantial",
        "as_of": "2003-02-01",
        "narrative": "A law was passed.",
        "evidence_links": "",
        "source": "Focal point",
        "confidence": "high",
        "state": "draft",
        "corrects": "",
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_the_secretariat_can_submit_a_correction_in_the_admin(client, superuser, indonesia):
    original = make_report(indonesia)
    client.force_login(superuser)
    data = report_form(
        indonesia,
        commitment=original.commitment_id,
        corrects=original.pk,
        state="submitted",
    )
    response = client.post(admin_url(ProgressReport, "add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    correction = ProgressReport.objects.get(corrects=original)
    assert correction.state == "submitted"
    assert correction.created_by == superuser == correction.submitted_by
    assert list(ProgressReport.objects.counted()) == [correction]


def test_bad_input_in_the_admin_is_explained_and_writes_nothing(client, superuser, indonesia):
    client.force_login(superuser)
    canada = indonesia.__class__.objects.get(iso3="CAN")
    before = ProgressReport.objects.count()
    response = client.post(
        admin_url(ProgressReport, "add"), report_form(canada, as_of="2001-01-01")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "not by observers or organisations" in page
    assert "before the Bali conference opened" in page
    assert ProgressReport.objects.count() == before


def form_data_from(response):
    """The admin change form's current values, inlines included, as a browser would post."""
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(
            {
                f"{formset.prefix}-TOTAL_FORMS": formset.initial_form_count(),
                f"{formset.prefix}-INITIAL_FORMS": formset.initial_form_count(),
            }
        )
        for form in formset.forms:
            data.update(
                {
                    form.add_prefix(name): form[name].value()
                    for name in form.fields
                    if form[name].value() is not None
                }
            )
    return data


def test_admin_changes_are_recorded_with_the_user(client, superuser):
    client.force_login(superuser)
    group = ExpertGroup.objects.get(slug="aheg-2")
    url = admin_url(ExpertGroup, "change", group.pk)
    data = form_data_from(client.get(url))
    data["theme"] = "Law-enforcement cooperation and legislation (amended)"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = group.history.latest()
    assert latest.history_user == superuser
    assert latest.theme.endswith("(amended)")
    assert latest.prev_record.theme == "Law-enforcement cooperation and legislation"
    history_page = client.get(admin_url(ExpertGroup, "history", group.pk)).content.decode()
    assert "root" in history_page  # who
    assert "(amended)" in history_page  # what changed


def test_an_officials_participant_shows_in_the_user_list(client, superuser, official_of_indonesia):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "Indonesia" in page
    assert Official.objects.filter(user=official_of_indonesia).exists()
    assert User.objects.count() == 2


def test_the_report_form_offers_only_tracked_participants(client, superuser):
    client.force_login(superuser)

    def offered(term, model_name="progressreport"):
        params = f"app_label=commitments&model_name={model_name}&field_name=participant"
        response = client.get(f"/admin/autocomplete/?{params}&term={term}")
        return {item["text"] for item in response.json()["results"]}

    assert offered("Ca") == {"Cambodia"}  # not Canada, an observer
    assert offered("IOM") == set()
    assert {"Cambodia", "Canada"} <= offered("Ca", model_name="volunteer")


def user_form(user, **changes):
    """The user change form as a browser posts it, with no official inline rows."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": "",
        "email": user.email, "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(), "date_joined_1": "10:00:00",
        "official-TOTAL_FORMS": "0", "official-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(changes)
    return data


def test_the_secretariat_cannot_grant_itself_powers(client, secretariat_user):
    client.force_login(secretariat_user)
    url = admin_url(User, "change", secretariat_user.pk)
    data = user_form(secretariat_user, is_superuser="on", first_name="Amir")
    assert client.post(url, data).status_code == 403  # staff accounts: superusers only
    secretariat_user.refresh_from_db()
    assert (secretariat_user.first_name, secretariat_user.is_superuser) == ("", False)


def test_the_secretariat_cannot_make_an_official_staff(client, secretariat_user):
    official = User.objects.create_user("noor", "noor@example.org", "x")
    client.force_login(secretariat_user)
    url = admin_url(User, "change", official.pk)
    response = client.post(url, user_form(official, is_staff="on", is_superuser="on"))
    assert response.status_code == 302, response.content.decode()[:2000]
    official.refresh_from_db()
    assert (official.is_staff, official.is_superuser) == (False, False)


def test_the_secretariat_cannot_make_itself_an_official(client, secretariat_user, indonesia):
    client.force_login(secretariat_user)
    response = client.post(
        admin_url(Official, "add"), {"user": secretariat_user.pk, "participant": indonesia.pk}
    )
    assert response.status_code == 403
    assert not Official.objects.filter(user=secretariat_user).exists()


def test_a_past_version_is_shown_but_never_restored(client, superuser):
    client.force_login(superuser)
    group = ExpertGroup.objects.get(slug="aheg-1")
    version = group.history.earliest()
    url = reverse(
        "admin:commitments_expertgroup_simple_history", args=[group.pk, version.history_id]
    )
    assert client.get(url).status_code == 200
    assert client.post(url, {"theme": "Rewritten"}).status_code == 403
    group.refresh_from_db()
    assert group.theme == "Regional and international cooperation"


def test_the_secretariat_cannot_edit_a_superuser(client, secretariat_user, superuser):
    client.force_login(secretariat_user)
    response = client.post(admin_url(User, "change", superuser.pk), {"username": "taken"})
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "root"


def test_the_secretariat_cannot_link_an_account_to_a_participant(client, secretariat_user):
    # An account the secretariat made (and knows the password of), linked as an official,
    # would let it report in that country's name: linking is a superuser's.
    account = User.objects.create_user("noor", "noor@example.org", "x")
    client.force_login(secretariat_user)
    url = admin_url(User, "change", account.pk)
    thailand = Participant.objects.get(iso3="THA")
    inline = {"official-TOTAL_FORMS": "1", "official-0-participant": thailand.pk}
    client.post(url, user_form(account, **inline))
    assert not Official.objects.filter(user=account).exists()


def test_a_superuser_links_an_account_to_a_participant(client, superuser):
    account = User.objects.create_user("noor", "noor@example.org", "x")
    client.force_login(superuser)
    url = admin_url(User, "change", account.pk)
    thailand = Participant.objects.get(iso3="THA")
    inline = {"official-TOTAL_FORMS": "1", "official-0-participant": thailand.pk}
    response = client.post(url, user_form(account, **inline))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Official.objects.get(user=account).participant.iso3 == "THA"


def test_the_secretariat_cannot_change_an_officials_email(
    client, secretariat_user, official_of_indonesia
):
    # A password reset goes to the account's address: changing it is taking the account.
    client.force_login(secretariat_user)
    url = admin_url(User, "change", official_of_indonesia.pk)
    official = Official.objects.get(user=official_of_indonesia)
    inline = {
        "official-TOTAL_FORMS": "1",
        "official-INITIAL_FORMS": "1",
        "official-0-id": official.pk,
        "official-0-user": official_of_indonesia.pk,
    }
    data = user_form(official_of_indonesia, email="amir@example.org", first_name="Siti", **inline)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    official_of_indonesia.refresh_from_db()
    assert official_of_indonesia.first_name == "Siti"  # the rest of the form was saved
    assert official_of_indonesia.email == "siti@example.org"


def test_the_secretariat_cannot_unlink_or_move_an_official(
    client, secretariat_user, official_of_indonesia
):
    official = Official.objects.get(user=official_of_indonesia)
    client.force_login(secretariat_user)
    thailand = Participant.objects.get(iso3="THA")
    response = client.post(
        admin_url(Official, "change", official.pk),
        {"user": official_of_indonesia.pk, "participant": thailand.pk},
    )
    assert response.status_code == 403
    assert (
        client.post(admin_url(Official, "delete", official.pk), {"post": "yes"}).status_code == 403
    )
    official.refresh_from_db()
    assert official.participant.iso3 == "IDN"


def test_the_secretariat_does_not_see_a_drafts_files_in_the_admin(
    client, secretariat_user, indonesia
):
    draft = make_report(indonesia, "17c", submitted=False)
    evidence = EvidenceFile.objects.create(
        report=draft, file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"),
        original_name="draft-plan.pdf", content_type="application/pdf", size=9,
    )  # fmt: skip
    client.force_login(secretariat_user)
    assert (
        "draft-plan.pdf" not in client.get(admin_url(EvidenceFile, "changelist")).content.decode()
    )
    response = client.get(admin_url(EvidenceFile, "change", evidence.pk))
    assert response.status_code == 302  # the admin's "does not exist"


@pytest.mark.parametrize("user", ["superuser", "secretariat_user"])
def test_a_participant_with_submitted_reports_can_be_edited_and_saved(client, request, user):
    indonesia = Participant.objects.get(iso3="IDN")
    submitted = [make_report(indonesia, code) for code in ("17a", "17b")]
    client.force_login(request.getfixturevalue(user))
    url = admin_url(Participant, "change", indonesia.pk)
    data = form_data_from(client.get(url))
    data["notes"] = "Focal point: the Ministry of Foreign Affairs."
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    indonesia.refresh_from_db()
    assert indonesia.notes == "Focal point: the Ministry of Foreign Affairs."
    for report in submitted:  # shown, untouched
        assert report.history.count() == 1


def test_the_participant_page_hides_drafts_from_the_secretariat(client, secretariat_user):
    indonesia = Participant.objects.get(iso3="IDN")
    draft = make_report(indonesia, "17c", submitted=False)
    submitted = make_report(indonesia, "17a")
    client.force_login(secretariat_user)
    page = client.get(admin_url(Participant, "change", indonesia.pk)).content.decode()
    assert f"/progressreport/{submitted.pk}/change/" in page
    assert f"/progressreport/{draft.pk}/change/" not in page
