"""The reference data: the statement as printed (OCR slips corrected) and the known history."""

import pytest
from django.core.management import call_command

from commitments.models import (
    Commitment,
    ExpertGroup,
    ExpertMeeting,
    MinisterialMeeting,
    Paragraph,
    Participant,
)

pytestmark = pytest.mark.django_db

Role = Participant.Role
Kind = Participant.Kind


def reference_counts():
    return {
        "paragraphs": Paragraph.objects.count(),
        "tracked": Participant.objects.tracked().count(),
        "observer_states": Participant.objects.filter(role=Role.OBSERVER, kind=Kind.STATE).count(),
        "observer_orgs": Participant.objects.filter(
            role=Role.OBSERVER, kind=Kind.ORGANISATION
        ).count(),
        "participants": Participant.objects.count(),
        "commitments": Commitment.objects.count(),
        "ministerial": MinisterialMeeting.objects.count(),
        "groups": ExpertGroup.objects.count(),
        "expert_meetings": ExpertMeeting.objects.count(),
    }


def test_it_has_the_28_paragraphs_in_order():
    assert list(Paragraph.objects.values_list("number", flat=True)) == list(range(1, 29))


def test_it_has_the_38_tracked_participants():
    tracked = Participant.objects.tracked()
    assert tracked.count() == 38
    assert set(tracked.filter(role=Role.CO_CHAIR).values_list("iso3", flat=True)) == {"IDN", "AUS"}
    assert tracked.filter(role=Role.PARTICIPANT).count() == 36


def test_it_has_the_observers_of_paragraph_2():
    observers = Participant.objects.filter(role=Role.OBSERVER)
    assert observers.filter(kind=Kind.STATE).count() == 15
    assert observers.filter(kind=Kind.ORGANISATION).count() == 12


def test_iom_and_unhcr_are_participating_organisations():
    assisting = Participant.objects.filter(role=Role.PARTICIPANT, kind=Kind.ORGANISATION)
    assert sorted(assisting.values_list("short_name", flat=True)) == ["IOM", "UNHCR"]


def test_east_timor_is_an_entity_with_its_present_day_code():
    east_timor = Participant.objects.get(name="UNTAET/East Timor")
    assert east_timor.kind == Kind.ENTITY
    assert east_timor.iso3 == "TLS"
    assert east_timor.is_tracked


def test_names_are_kept_as_printed():
    assert Participant.objects.get(name="Democratic Republic of Korea").iso3 == "PRK"


def test_iso_codes_are_unique_and_well_formed():
    codes = [p.iso3 for p in Participant.objects.exclude(iso3="")]
    assert len(codes) == len(set(codes)) == 38 + 15
    assert all(len(code) == 3 and code.isupper() for code in codes)


def test_the_tracked_commitments_are_the_six_bullets_and_legislation():
    tracked = Commitment.objects.tracked()
    assert list(tracked.filter(paragraph__number=17).values_list("code", flat=True)) == [
        "17a",
        "17b",
        "17c",
        "17d",
        "17e",
        "17f",
    ]
    assert list(tracked.filter(paragraph__number=18).values_list("code", flat=True)) == ["18"]
    assert tracked.count() == 7


def test_bullets_follow_the_statement_order():
    assert Commitment.objects.get(code="17a").text.startswith("Developing more effective")
    assert Commitment.objects.get(code="17f").text.startswith("Cooperating in verifying")


def test_ocr_slips_are_corrected():
    texts = " ".join(Paragraph.objects.values_list("text", flat=True))
    for slip in ["emphasis ed", "lOM", "LTN Conventions"]:
        assert slip not in texts
    assert "Ministers emphasised" in Paragraph.objects.get(number=11).text
    assert "offer of IOM and UNHCR" in Paragraph.objects.get(number=23).text
    assert "relevant UN Conventions and Protocols" in Paragraph.objects.get(number=26).text


def test_the_web_page_footer_is_not_part_of_the_statement():
    assert "Department of State" not in Paragraph.objects.get(number=28).text


def test_the_founding_meeting_is_bali_2002_co_chaired_by_indonesia_and_australia():
    founding = MinisterialMeeting.objects.founding()
    assert (founding.start_date.isoformat(), founding.end_date.isoformat()) == (
        "2002-02-26",
        "2002-02-28",
    )
    assert founding.review_period_months == 12
    assert set(founding.co_chairs.values_list("iso3", flat=True)) == {"IDN", "AUS"}


def test_the_known_history_is_there_with_sources():
    assert set(ExpertGroup.objects.values_list("short_name", flat=True)) == {"AHEG I", "AHEG II"}
    assert ExpertMeeting.objects.filter(group__short_name="AHEG I").count() == 3
    assert ExpertMeeting.objects.filter(group__short_name="AHEG II").count() == 4
    assert ExpertMeeting.objects.filter(group__isnull=True).count() == 2  # Jakarta, March 2003
    bali_2003 = MinisterialMeeting.objects.get(slug="bali-2003")
    assert bali_2003.start_date.isoformat() == "2003-04-28"
    assert "29-30" in bali_2003.date_note
    assert MinisterialMeeting.objects.get(slug="brisbane-2004").level == "senior_officials"
    for model in [MinisterialMeeting, ExpertGroup, ExpertMeeting]:
        assert not model.objects.filter(source="").exists(), model


def test_no_progress_is_invented_in_the_reference_data():
    from commitments.models import ProgressReport, Recommendation

    assert ProgressReport.objects.count() == 0
    assert Recommendation.objects.count() == 0


def test_every_reference_record_passes_its_own_validation():
    from django.apps import apps

    for model in apps.get_app_config("commitments").get_models():
        if model.__module__.startswith("commitments.models"):
            for instance in model.objects.all():
                instance.full_clean()


def test_load_reference_twice_duplicates_nothing(capsys):
    before = reference_counts()
    call_command("load_reference")
    assert reference_counts() == before
    assert "0 records added" in capsys.readouterr().out


def test_load_reference_keeps_the_secretariats_corrections():
    thailand = Participant.objects.get(iso3="THA")
    thailand.notes = "Corrected by the secretariat."
    thailand.save()
    call_command("load_reference")
    thailand.refresh_from_db()
    assert thailand.notes == "Corrected by the secretariat."


def test_load_reference_restores_a_deleted_record_with_a_history_row():
    Paragraph.objects.filter(number=28).delete()
    call_command("load_reference")
    restored = Paragraph.objects.get(number=28)
    assert restored.history.get().history_change_reason == "Loaded from the reference data"


def test_reference_records_have_a_history_row():
    assert Participant.history.filter(iso3="IDN").count() == 1
