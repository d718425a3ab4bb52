"""HEAD is answered wherever GET is (uptime monitors and link checkers send HEAD), with the
same status and headers and no body."""

import pytest

from tests.conftest import make_report

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/matrix/",
    "/countries/",
    "/countries/idn/",
    "/commitments/",
    "/commitments/17a/",
    "/reports/",
    "/reports/?export=csv",
    "/meetings/",
    "/meetings/aheg-1-colombo-2003/",
    "/groups/",
    "/ministerial-review/",
    "/handover/",
    "/my/",
    "/comments/",
]


@pytest.mark.parametrize("url", PAGES)
def test_head_answers_as_get_does(amir, indonesia, url):
    make_report(indonesia)
    got = amir.get(url)
    head = amir.head(url)
    assert head.status_code == got.status_code == 200
    assert head["Content-Type"] == got["Content-Type"]
    assert (b"".join(head.streaming_content) if head.streaming else head.content) == b""


def test_head_of_a_report_answers_as_get_does(siti, indonesia):
    report = make_report(indonesia)
    assert siti.head(f"/reports/{report.pk}/").status_code == 200


@pytest.mark.parametrize("url", ["/", "/reports/", "/reports/?export=csv", "/my/"])
def test_pages_for_a_logged_in_user_are_private_to_shared_caches(siti, url):
    assert "private" in siti.get(url)["Cache-Control"]


def test_a_public_page_for_an_anonymous_visitor_is_not_marked_private(client):
    assert "private" not in client.get("/").get("Cache-Control", "")
