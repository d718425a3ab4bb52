"""Submitted reports are immutable: a correction is a new report, and both stay."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.models import ProgressReport
from commitments.services.reports import report_submit
from tests.conftest import make_correction, make_report, page_text

pytestmark = pytest.mark.django_db


def test_submitting_a_draft_records_who_and_when(indonesia, official_of_indonesia):
    report = make_report(indonesia, submitted=False, user=official_of_indonesia)
    submitted = report_submit(report=report, user=official_of_indonesia)
    assert submitted.state == "submitted"
    assert submitted.submitted_by == official_of_indonesia
    assert submitted.submitted_at is not None
    assert [h.history_type for h in submitted.history.order_by("history_date")] == ["+", "~"]


def test_a_corrected_report_leaves_both_in_the_history(indonesia, official_of_indonesia):
    original = make_report(indonesia, user=official_of_indonesia)
    correction = make_correction(
        original=original, user=official_of_indonesia, status="substantial",
        as_of=datetime.date(2003, 2, 1),
    )  # fmt: skip
    report_submit(report=correction, user=official_of_indonesia)

    pair = ProgressReport.objects.filter(participant=indonesia, commitment__code="17a")
    assert pair.submitted().count() == 2
    assert list(pair.counted()) == [correction]
    original.refresh_from_db()
    assert original.status == "limited"  # untouched
    assert original.corrections.get() == correction
    assert correction.history.count() == 2  # created as a draft, then submitted


def test_a_draft_correction_does_not_yet_supersede(indonesia):
    original = make_report(indonesia)
    make_correction(original=original, user=None, status="complete")
    assert list(ProgressReport.objects.counted()) == [original]


def test_a_report_cannot_be_corrected_twice(indonesia):
    original = make_report(indonesia)
    first = make_correction(original=original, user=None)
    second = make_correction(original=original, user=None)
    report_submit(report=first, user=None)
    with pytest.raises(ValidationError, match="already been corrected"):
        report_submit(report=second, user=None)
    second.refresh_from_db()
    assert second.state == "draft"


def test_a_submitted_report_cannot_be_submitted_again(indonesia):
    report = make_report(indonesia)
    with pytest.raises(ValidationError, match="cannot be changed"):
        report_submit(report=report, user=None)


def test_a_correction_copies_the_original_then_applies_changes(indonesia):
    original = make_report(indonesia, evidence_links="https://example.org/law", confidence="high")
    correction = make_correction(original=original, user=None, status="complete")
    assert correction.corrects == original
    assert correction.state == "draft"
    assert (correction.status, correction.evidence_links, correction.confidence) == (
        "complete",
        "https://example.org/law",
        "high",
    )


# Issue 11: the history reads as a story -------------------------------------------------------


def test_a_corrections_history_says_what_it_changed_against_the_report_it_corrects(
    siti, indonesia, official_of_indonesia, somchai
):
    original = make_report(
        indonesia, "17a", status="limited", as_of=datetime.date(2003, 1, 15),
        narrative="A working group was set up.", user=official_of_indonesia,
    )  # fmt: skip
    draft = make_correction(original=original, user=official_of_indonesia, status="substantial")
    correction = report_submit(report=draft, user=official_of_indonesia)
    for viewer in (siti, somchai):  # its officials and another participant's alike
        response = viewer.get(f"/reports/{correction.pk}/")
        submitted = response.context["history"][-1]
        assert submitted.action == f"Submitted the correction of report #{original.pk}"
        assert [(c.label, c.old, c.new) for c in submitted.changes] == [
            ("Status", "Limited", "Substantial")
        ]
        assert "Status: “Limited” → “Substantial”" in page_text(response)


def test_a_report_recorded_as_submitted_in_one_step_has_its_author_and_date(
    somchai, indonesia, official_of_indonesia
):
    """The demonstration data and bulk writes record no user on the history row."""
    from commitments.demo import seed_demo

    seed_demo(seed=3, password="demo-password-for-tests")
    report = ProgressReport.objects.filter(is_demo=True, corrects=None).submitted().first()
    history = somchai.get(f"/reports/{report.pk}/").context["history"]
    assert history, "No history recorded"
    assert history[0].action == "Submitted the report"
    assert history[0].who == report.submitted_by is not None
    assert history[0].when == report.submitted_at


def test_submitting_from_the_edit_form_unchanged_adds_no_empty_entry(
    siti, indonesia, official_of_indonesia
):
    from commitments.services.reports import report_save

    draft = make_report(indonesia, "17a", submitted=False, user=official_of_indonesia)
    report_save(report=draft, user=official_of_indonesia, submit=True)
    actions = [e.action for e in siti.get(f"/reports/{draft.pk}/").context["history"]]
    assert actions == ["Created the draft", "Submitted the report"]
