"""A form posted twice (a double click, a retry after a slow answer, the back button) makes
one report and one email; the second answer says it was already received."""

import re

import pytest

from commitments.models import ProgressReport
from commitments.services import reports
from commitments.services.reports import AlreadyReceived, report_save
from tests.conftest import make_report, messages_of

pytestmark = pytest.mark.django_db

NEW_REPORT = "/my/reports/new/?commitment=17a"


def report_form_data(page: str, **changes) -> dict:
    token = re.search(r'name="form_token" value="([0-9a-f-]+)"', page)
    assert token, "the form carries no token"
    data = {"status": "limited", "as_of": "2003-01-15", "confidence": "high",
            "narrative": "A task force on people smuggling was set up.", "participant": "IDN",
            "form_token": token[1], "submit": "submit"}  # fmt: skip
    data.update(changes)
    return data


def test_a_new_report_posted_twice_is_made_once_and_mailed_once(
    siti, secretariat_user, mailoutbox, django_capture_on_commit_callbacks
):
    data = report_form_data(siti.get(NEW_REPORT).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        first = siti.post(NEW_REPORT, data)
        second = siti.post(NEW_REPORT, data)
    report = ProgressReport.objects.get()
    assert report.is_submitted
    assert first["Location"] == second["Location"] == f"/reports/{report.pk}/"
    assert any("already been received" in m for m in messages_of(second))
    assert len(mailoutbox) == 1


def test_a_draft_saved_twice_is_one_draft(siti):
    data = report_form_data(siti.get(NEW_REPORT).content.decode(), submit=None, save="draft")
    del data["submit"]
    siti.post(NEW_REPORT, data)
    siti.post(NEW_REPORT, data)
    assert ProgressReport.objects.drafts().count() == 1


def test_each_opening_of_the_form_is_a_new_report(siti):
    for _ in range(2):
        siti.post(NEW_REPORT, report_form_data(siti.get(NEW_REPORT).content.decode()))
    assert ProgressReport.objects.submitted().count() == 2


def test_a_correction_posted_twice_is_made_once(siti, indonesia, official_of_indonesia):
    original = make_report(indonesia, user=official_of_indonesia)
    url = f"/my/reports/{original.pk}/correct/"
    data = report_form_data(siti.get(url).content.decode(), status="complete")
    siti.post(url, data)
    second = siti.post(url, data)
    assert original.corrections.count() == 1
    assert second.status_code == 302
    assert any("already been received" in m for m in messages_of(second))


def test_a_form_whose_report_failed_validation_can_be_sent_again(siti):
    page = siti.get(NEW_REPORT).content.decode()
    refused = siti.post(NEW_REPORT, report_form_data(page, narrative=""))
    assert refused.status_code == 200
    siti.post(NEW_REPORT, report_form_data(page))
    assert ProgressReport.objects.count() == 1


def test_two_posts_at_the_same_moment_make_one_report(
    indonesia, official_of_indonesia, monkeypatch
):
    # As when both requests pass the check before either has saved: the unique token then
    # refuses the second insert, and it is answered as already received.
    token = "4f1c1a0e-5d0e-4c53-9d8a-1d2b3c4d5e6f"
    first = report_save(report=new_report(indonesia), user=official_of_indonesia, form_token=token)
    monkeypatch.setattr(reports, "_refuse_a_second_post", refuse_only_after_saving())
    with pytest.raises(AlreadyReceived) as raised:
        report_save(report=new_report(indonesia), user=official_of_indonesia, form_token=token)
    assert raised.value.report == first
    assert ProgressReport.objects.count() == 1


def refuse_only_after_saving():
    """The service's check, skipped the first time (the race), as it was after the insert."""
    check, calls = reports._refuse_a_second_post, []

    def skip_first(report, token):
        calls.append(token)
        if len(calls) > 1:
            check(report, token)

    return skip_first


def new_report(participant):
    from commitments.models import Commitment

    return ProgressReport(
        participant=participant,
        commitment=Commitment.objects.get(code="17a"),
        status="limited",
        as_of="2003-01-15",
        narrative="A task force was set up.",
    )
