"""The home page: the founding meeting, the review deadline, the participants by role."""

import pytest

from commitments.models import MinisterialMeeting, Participant
from tests.conftest import count_queries, page_text

pytestmark = pytest.mark.django_db


def test_it_shows_the_founding_meeting_and_the_due_date(client):
    response = client.get("/")
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Bali, Indonesia, 26–28 February 2002" in page
    # Each co-chair by its one name, linked to its page.
    assert (
        'Co-chaired by <a href="/countries/idn/">Indonesia</a> and '
        '<a href="/countries/aus/">Australia</a>.'
    ) in page
    assert '<strong data-testid="review-due-date">28 February 2003</strong>' in page


def test_it_lists_the_participants_by_role(client):
    page = " ".join(client.get("/").content.decode().split())
    assert 'Participating states and entities <small class="meta">(36)</small>' in page
    assert 'Observer states <small class="meta">(15)</small>' in page
    assert 'Observer organisations <small class="meta">(12)</small>' in page
    # By the name used across the site, linked; the statement's name is on its own page.
    assert '<a href="/countries/tls/">East Timor</a>' in page
    assert "UNTAET/East Timor" in page_text(client.get("/countries/tls/"))


def test_it_is_public(client):
    assert client.get("/").status_code == 200


def test_it_rejects_post(client):
    assert client.post("/").status_code == 405


def test_it_explains_what_to_do_when_there_is_no_reference_data(client):
    MinisterialMeeting.objects.update(is_founding=False, review_period_months=None)
    response = client.get("/")
    assert response.status_code == 200
    assert b"No founding meeting is recorded yet" in response.content


def test_its_query_count_does_not_grow_with_the_participants(client):
    before = count_queries(client, "/")
    for n in range(20):
        Participant.objects.create(
            name=f"Observer {n}", short_name=f"Obs {n}", kind="organisation", role="observer"
        )
    # For an anonymous visitor: the founding meeting, the review meeting, its co-chairs, the
    # upcoming and recent expert and ministerial meetings (four), the ministerial meetings,
    # the expert groups (with coordinators), all participants, the data version and whether
    # demo data exists (cached under it).
    assert count_queries(client, "/") == before == 12
