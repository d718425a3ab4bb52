"""Documents of expert meetings: links and files, recorded by the secretariat in the admin,
shown on the meeting's page, files served as downloads and checked by their content."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from commitments.models import ExpertMeeting, MeetingDocument

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def meeting():
    return ExpertMeeting.objects.get(slug="aheg-1-brunei-2002")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def admin_form(meeting, client, **document):
    """The meeting's admin change form with one new document row."""
    response = client.get(reverse("admin:commitments_expertmeeting_change", args=[meeting.pk]))
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data[f"{formset.prefix}-TOTAL_FORMS"] = formset.initial_form_count()
        data[f"{formset.prefix}-INITIAL_FORMS"] = formset.initial_form_count()
    data.update({"documents-TOTAL_FORMS": 1, "documents-0-confidence": "high"})
    data.update({f"documents-0-{key}": value for key, value in document.items()})
    return data


def test_the_secretariat_attaches_a_document_in_the_admin(client, secretariat_user, meeting, media):
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile("plan-of-action.pdf", PDF, content_type="application/pdf")
    data = admin_form(meeting, client, title="Plan of Action", file=upload)
    url = reverse("admin:commitments_expertmeeting_change", args=[meeting.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    document = meeting.documents.get()
    assert (document.title, document.content_type) == ("Plan of Action", "application/pdf")
    assert document.added_by == secretariat_user
    assert document.history.get().history_user == secretariat_user
    assert str(media) in document.file.path


def test_a_file_is_checked_by_its_content(client, secretariat_user, meeting, media):
    client.force_login(secretariat_user)
    upload = SimpleUploadedFile(
        "report.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    data = admin_form(meeting, client, title="Report", file=upload)
    url = reverse("admin:commitments_expertmeeting_change", args=[meeting.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is not a PDF, an Office document or an image" in response.content.decode()
    assert not meeting.documents.exists()


def test_a_document_needs_a_link_or_a_file(client, secretariat_user, meeting):
    client.force_login(secretariat_user)
    data = admin_form(meeting, client, title="Nothing")
    url = reverse("admin:commitments_expertmeeting_change", args=[meeting.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give the document&#x27;s web address, or attach the file" in response.content.decode()
    assert not meeting.documents.exists()


def test_the_meeting_page_lists_documents_and_serves_files_as_downloads(client, meeting, media):
    linked = MeetingDocument.objects.create(
        meeting=meeting, title="Report of the meeting", url="https://example.org/report"
    )
    filed = MeetingDocument.objects.create(
        meeting=meeting, title="Plan of Action", content_type="application/pdf",
        file=ContentFile(PDF, name="plan.pdf"),
    )  # fmt: skip
    page = client.get(f"/meetings/{meeting.slug}/").content.decode()
    assert "Report of the meeting" in page
    assert 'href="https://example.org/report"' in page
    assert reverse("meeting_document", args=[filed.pk]) in page
    response = client.get(reverse("meeting_document", args=[filed.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert client.get(reverse("meeting_document", args=[linked.pk])).status_code == 404


def test_a_document_download_rejects_post_and_unknown_numbers(client):
    assert client.get(reverse("meeting_document", args=[999999])).status_code == 404
    assert client.post(reverse("meeting_document", args=[1])).status_code == 405


def test_the_secretariat_is_led_from_the_meeting_page_to_record_it(
    client, secretariat_user, official_of_indonesia, meeting
):
    edit = reverse("admin:commitments_expertmeeting_change", args=[meeting.pk])
    client.force_login(official_of_indonesia)
    assert edit not in client.get(f"/meetings/{meeting.slug}/").content.decode()
    client.force_login(secretariat_user)
    assert edit in client.get(f"/meetings/{meeting.slug}/").content.decode()
