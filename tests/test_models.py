"""Each model rule rejects bad data with a clear message, in clean() and in the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from commitments.models import (
    Assistance,
    Commitment,
    ExpertMeeting,
    MinisterialMeeting,
    Official,
    Participant,
    ProgressReport,
    Volunteer,
)
from tests.conftest import make_report

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError, field="__all__") -> list[str]:
    return error.value.message_dict.get(field, [])


def assert_database_refuses(instance):
    with pytest.raises(IntegrityError), transaction.atomic():
        instance.save()


# Meetings ----------------------------------------------------------------------------------------


def test_a_meeting_cannot_end_before_it_starts():
    meeting = ExpertMeeting(
        slug="x", title="X", start_date=datetime.date(2002, 9, 17),
        end_date=datetime.date(2002, 9, 16), status="planned",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert messages_of(error, "end_date") == ["The end date cannot be before the start date."]
    assert_database_refuses(meeting)


def test_a_ministerial_meeting_cannot_end_before_it_starts():
    meeting = MinisterialMeeting.objects.get(slug="bali-2003")
    meeting.end_date = datetime.date(2003, 4, 1)
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert messages_of(error, "end_date") == ["The end date cannot be before the start date."]
    assert_database_refuses(meeting)


def test_there_is_only_one_founding_meeting():
    meeting = MinisterialMeeting.objects.get(slug="bali-2003")
    meeting.is_founding = True
    meeting.review_period_months = 12
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "There is already a founding meeting." in str(error.value)
    assert_database_refuses(meeting)


def test_the_founding_meeting_needs_a_review_period():
    founding = MinisterialMeeting.objects.founding()
    founding.review_period_months = None
    with pytest.raises(ValidationError) as error:
        founding.full_clean()
    assert messages_of(error, "review_period_months") == [
        "The founding meeting needs a review period in months."
    ]
    assert_database_refuses(founding)


def test_a_held_meeting_cannot_start_in_the_future():
    meeting = ExpertMeeting(
        slug="future", title="Future", start_date=datetime.date(2999, 1, 1),
        end_date=datetime.date(2999, 1, 2), status="held",
    )  # fmt: skip
    with pytest.raises(ValidationError) as error:
        meeting.full_clean()
    assert "cannot be marked as held" in messages_of(error, "status")[0]


def test_only_an_organisation_can_assist_a_meeting(indonesia):
    meeting = ExpertMeeting.objects.get(slug="aheg-1-brunei-2002")
    with pytest.raises(ValidationError) as error:
        Assistance(meeting=meeting, organisation=indonesia, role="Hosting").full_clean()
    assert messages_of(error, "organisation") == ["Only an organisation can assist a meeting."]


def test_an_observer_cannot_volunteer_for_an_expert_group():
    from commitments.models import ExpertGroup

    canada = Participant.objects.get(iso3="CAN")
    volunteer = Volunteer(group=ExpertGroup.objects.get(slug="aheg-1"), participant=canada)
    with pytest.raises(ValidationError) as error:
        volunteer.full_clean()
    assert "Only the co-chairs and participating states" in messages_of(error, "participant")[0]


# Participants ------------------------------------------------------------------------------------


def test_an_iso_code_must_be_three_capital_letters():
    participant = Participant(name="Atlantis", short_name="Atlantis", iso3="at1", kind="state",
                              role="observer")  # fmt: skip
    with pytest.raises(ValidationError) as error:
        participant.full_clean()
    assert messages_of(error, "iso3") == [
        "The ISO 3166 code must be three capital letters, such as IDN."
    ]
    assert_database_refuses(participant)


def test_an_iso_code_belongs_to_one_participant_only():
    with pytest.raises(ValidationError):
        Participant(name="Other", short_name="Other", iso3="IDN", kind="state",
                    role="observer").full_clean()  # fmt: skip


def test_a_co_chair_must_be_a_state():
    iom = Participant.objects.get(short_name="IOM")
    iom.role = Participant.Role.CO_CHAIR
    with pytest.raises(ValidationError) as error:
        iom.full_clean()
    assert messages_of(error, "role") == ["Only a state can co-chair a meeting."]
    assert_database_refuses(iom)


def test_an_organisation_has_no_country_code():
    iom = Participant.objects.get(short_name="IOM")
    iom.iso3 = "IOM"
    with pytest.raises(ValidationError) as error:
        iom.full_clean()
    assert messages_of(error, "iso3") == ["An organisation has no ISO 3166 country code."]


# Progress reports --------------------------------------------------------------------------------


def draft(participant, code="17a", **fields):
    fields.setdefault("status", "limited")
    fields.setdefault("as_of", datetime.date(2003, 1, 15))
    fields.setdefault("narrative", "A working group was set up.")
    return ProgressReport(
        participant=participant, commitment=Commitment.objects.get(code=code), **fields
    )


def test_a_valid_draft_passes(indonesia):
    draft(indonesia, evidence_links="https://example.org/law\n\nhttp://example.org/b").full_clean()


def test_an_observer_cannot_report_progress():
    report = draft(Participant.objects.get(iso3="USA"))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "not by observers or organisations" in messages_of(error, "participant")[0]


def test_an_organisation_cannot_report_progress():
    report = draft(Participant.objects.get(short_name="UNHCR"))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "not by observers or organisations" in messages_of(error, "participant")[0]


def test_there_is_no_report_on_an_untracked_commitment(indonesia):
    report = draft(indonesia, code="15")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert messages_of(error, "commitment") == ["Progress is reported only on tracked commitments."]


def test_a_report_cannot_speak_for_a_date_before_the_conference(indonesia):
    report = draft(indonesia, as_of=datetime.date(2002, 2, 25))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "before the Bali conference opened" in messages_of(error, "as_of")[0]
    assert_database_refuses(report)


def test_a_report_cannot_speak_for_a_future_date(indonesia):
    report = draft(indonesia, as_of=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert messages_of(error, "as_of") == ["The date a report speaks for cannot be in the future."]


def test_evidence_links_must_be_web_addresses(indonesia):
    report = draft(indonesia, evidence_links="https://example.org/ok\njavascript:alert(1)")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert messages_of(error, "evidence_links") == ["Not a valid web address: javascript:alert(1)"]


def test_a_submitted_report_needs_its_submission_time(indonesia):
    report = draft(indonesia, state="submitted")
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert messages_of(error) == ["A submitted report needs the time it was submitted."]
    assert_database_refuses(report)


def test_a_draft_has_no_submission_time(indonesia):
    report = draft(indonesia, submitted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert messages_of(error) == ["A submitted report needs the time it was submitted."]
    assert_database_refuses(report)


def test_a_form_without_the_submission_time_is_not_held_to_it(indonesia):
    # The admin's form: the service stamps the time after the form's validation.
    draft(indonesia, state="submitted").full_clean(exclude={"submitted_at"})


def test_a_report_has_one_submitted_correction(indonesia):
    original = make_report(indonesia)
    first = make_report(indonesia, corrects=original)
    second = draft(indonesia, corrects=original, state="submitted", submitted_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert messages_of(error) == ["This report has already been corrected."]
    assert_database_refuses(second)
    # A draft correction may wait beside the submitted one; the submitted one is itself.
    draft(indonesia, corrects=original).full_clean()
    first.clean_fields()
    first.validate_constraints()


def test_validating_a_submitted_report_asks_the_database_only_about_its_correction(
    indonesia, django_assert_num_queries
):
    # Django asks the database about each constraint with a query annotating every field;
    # an import validates 10,000 reports.
    original = make_report(indonesia)
    report = draft(indonesia, state="submitted", submitted_at=timezone.now())
    with django_assert_num_queries(0):
        report.full_clean()
    report.corrects = original
    with django_assert_num_queries(1):
        report.full_clean()


def test_a_submitted_report_cannot_be_edited(indonesia):
    report = make_report(indonesia)
    report.narrative = "Rewritten."
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "cannot be changed or deleted" in messages_of(error)[0]
    with pytest.raises(ValidationError):
        report.save()
    report.refresh_from_db()
    assert report.narrative == "An inter-agency working group was set up."


def test_a_submitted_report_cannot_be_deleted(indonesia):
    report = make_report(indonesia)
    with pytest.raises(ValidationError):
        report.delete()
    assert ProgressReport.objects.filter(pk=report.pk).exists()


def test_a_draft_can_be_edited_and_deleted(indonesia):
    report = make_report(indonesia, submitted=False)
    report.narrative = "Rewritten."
    report.full_clean()
    report.save()
    report.delete()
    assert not ProgressReport.objects.filter(pk=report.pk).exists()


def test_a_correction_must_be_for_the_same_participant_and_commitment(indonesia, thailand):
    original = make_report(indonesia)
    for correction in [
        draft(thailand, corrects=original),
        draft(indonesia, "17b", corrects=original),
    ]:
        with pytest.raises(ValidationError) as error:
            correction.full_clean()
        assert messages_of(error, "corrects") == [
            "A correction must be for the same participant and commitment."
        ]


def test_only_a_submitted_report_can_be_corrected(indonesia):
    original = make_report(indonesia, submitted=False)
    with pytest.raises(ValidationError) as error:
        draft(indonesia, corrects=original).full_clean()
    assert "Only a submitted report can be corrected" in messages_of(error, "corrects")[0]


def test_an_official_reports_only_for_a_tracked_participant(official_of_indonesia):
    official = Official.objects.get(user=official_of_indonesia)
    official.participant = Participant.objects.get(short_name="IOM")
    with pytest.raises(ValidationError) as error:
        official.full_clean()
    assert "not by observers or organisations" in messages_of(error, "participant")[0]


def test_models_read_well_as_strings(indonesia):
    report = make_report(indonesia)
    assert str(report) == "Indonesia on 17a, as of 15 January 2003"
    assert str(Commitment.objects.get(code="18")).startswith("18: ")
    assert str(MinisterialMeeting.objects.founding()) == "Bali 2002"


def test_a_state_needs_its_iso_code():
    state = Participant(name="Atlantis", short_name="Atlantis", kind="state", role="observer")
    with pytest.raises(ValidationError) as error:
        state.full_clean()
    assert "needs its ISO 3166 code" in messages_of(error, "iso3")[0]
    assert_database_refuses(state)
