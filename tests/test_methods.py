"""HEAD is answered wherever GET is (uptime monitors and link checkers send HEAD), with the
same status and headers and no body."""

import re
from pathlib import Path

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


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/matrix/",
        "/no-such-page/",
        "/admin/",
        "/admin/commitments/participant/",
        "/accounts/login/",
        "/reports/?export=csv",
    ],
)
def test_every_answer_carries_the_content_security_policy(root, url):
    policy = root.get(url)["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == directives["object-src"] == "'none'"
    assert "unsafe" not in policy


def test_no_template_has_an_inline_script_or_style():
    """What the policy would refuse in a browser: found here before a page renders it."""
    root = Path(__file__).resolve().parent.parent / "templates"
    inline = re.compile(r"<script(?![^>]*\bsrc=)|<style|\sstyle=|\son[a-z]+=\"")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.html")
        if inline.search(path.read_text())
    ]
    assert offenders == []
