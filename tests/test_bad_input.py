"""Hostile input gets a clear 4xx, never a server error, and writes nothing: NUL bytes in any
query parameter or form field, non-numeric ids in the admin's addresses, over-long
usernames at login. Run on SQLite and PostgreSQL (which refuses NUL bytes outright)."""

import pytest
from axes.models import AccessAttempt

from commitments.models import ProgressReport
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/my/reports/new/?commitment=17a%00",
        "/reports/?q=law%00",
        "/admin/commitments/progressreport/?status__exact=limited%00",
        "/admin/autocomplete/?term=ind%00&app_label=commitments&model_name=progressreport"
        "&field_name=participant",
        "/matrix/?as_of=2003-01-01%00",
    ],
)
def test_a_nul_byte_in_a_query_is_refused_with_a_clear_message(root, url):
    response = root.get(url)
    assert response.status_code == 400
    assert "NUL byte" in page_text(response)


def test_a_nul_byte_in_a_form_is_refused_and_writes_nothing(siti):
    before = ProgressReport.objects.count()
    data = {"status": "limited", "as_of": "2003-01-15", "narrative": "A law\x00.",
            "confidence": "medium"}  # fmt: skip
    response = siti.post("/my/reports/new/?commitment=17a", data)
    assert response.status_code == 400
    assert ProgressReport.objects.count() == before


def test_a_nul_byte_at_login_is_refused(client):
    response = client.post("/accounts/login/", {"username": "siti\x00", "password": "x"})
    assert response.status_code == 400


def test_an_over_long_username_at_login_is_an_ordinary_failed_login(client):
    response = client.post("/accounts/login/", {"username": "a" * 300, "password": "wrong"})
    assert response.status_code == 200
    assert "correct username and password" in page_text(response)
    assert AccessAttempt.objects.get().username == "a" * 150


@pytest.mark.parametrize(
    "url",
    [
        "/admin/commitments/participant/abc/history/",
        "/admin/commitments/progressreport/abc/history/",
        "/admin/commitments/participant/abc/history/1/",
        "/admin/commitments/participant/abc/change/",
    ],
)
def test_a_non_numeric_id_in_the_admin_is_not_found(root, url):
    response = root.get(url)
    assert response.status_code in (302, 404)  # the admin's "does not exist" or a 404
    assert response.status_code != 500


def test_adding_a_report_in_the_admin_with_a_bad_commitment_is_a_form_error(root):
    before = ProgressReport.objects.count()
    response = root.get("/admin/commitments/progressreport/add/?commitment=abc")
    assert response.status_code == 200
    response = root.post(
        "/admin/commitments/progressreport/add/",
        {"participant": "abc", "commitment": "abc", "status": "limited", "as_of": "2003-01-15",
         "narrative": "x", "confidence": "medium", "state": "draft"},
    )  # fmt: skip
    assert response.status_code == 200
    assert ProgressReport.objects.count() == before


def test_an_over_long_evidence_list_is_a_form_error_and_writes_nothing(siti):
    links = "https://example.org/a\n" * 50_000  # about 1 MB
    data = {"status": "limited", "as_of": "2003-01-15", "narrative": "A law.",
            "confidence": "medium", "evidence_links": links}  # fmt: skip
    response = siti.post("/my/reports/new/?commitment=17a", data)
    assert response.status_code == 200
    assert "at most 5000 characters" in page_text(response)
    assert not ProgressReport.objects.exists()
