"""The cache never shows what the data no longer says: every write changes the data version,
cached fragments are keyed on it, and nothing per user is shared."""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from commitments import caching
from commitments.models import (
    Comment,
    DataVersion,
    MinisterialMeeting,
    OutgoingEmail,
    Participant,
    ProgressReport,
)
from commitments.services.comments import comment_add
from commitments.status import STATUS_ORDER
from tests.conftest import count_queries, make_report, page_html
from tests.test_workspace import new_report_url, submit_data

# The pages whose fragments are cached, and what each shows of a report.
CACHED_PAGES = ["/", "/matrix/", "/countries/", "/countries/idn/"]


def version() -> str:
    return caching.data_version()


@pytest.mark.parametrize("url", ["/", "/matrix/", "/countries/idn/", "/commitments/17a/"])
def test_a_report_submitted_through_the_form_shows_at_once(siti, amir, indonesia, url):
    make_report(indonesia, "17a", status="limited", as_of=datetime.date(2002, 6, 1))
    for client in (siti, amir):  # both warm the shared cache
        assert client.get(url).status_code == 200
    response = siti.post(
        new_report_url("17a"), submit_data(status="substantial", as_of="2003-01-15")
    )
    assert response.status_code == 302
    new = ProgressReport.objects.latest("pk")
    assert new.status == "substantial"
    for client in (siti, amir):
        assert f"/reports/{new.pk}/" in page_html(client.get(url))


def test_the_countries_table_counts_the_new_report_at_once(siti, amir, indonesia):
    def completes() -> str:
        """Indonesia's count in the "Complete" column."""
        page = page_html(amir.get("/countries/"))
        row = page[page.index('href="/countries/idn/"') :]
        counts = re.findall(r'<td class="numeric">(\d+)</td>', row[: row.index("</tr>")])
        return counts[STATUS_ORDER.index("complete")]

    assert completes() == "0"
    response = siti.post(new_report_url("17a"), submit_data(status="complete"))
    assert response.status_code == 302
    assert completes() == "1"


def test_a_second_view_of_an_unchanged_page_reads_the_cache(amir, indonesia):
    make_report(indonesia)
    first = count_queries(amir, "/matrix/")
    second = count_queries(amir, "/matrix/")
    # The matrix's three queries, the demo-data flag and the navigation's to-do count (3) are
    # not run again; the version is read each time.
    assert second == first - 7


def test_the_dashboard_is_built_once_per_version(amir, siti, indonesia):
    make_report(indonesia)
    siti.get("/status-scale/")  # her navigation's to-do count, cached for this version
    cold = count_queries(amir, "/")
    warm_other_user = count_queries(siti, "/")
    assert warm_other_user < cold
    make_report(indonesia, "17b")
    assert count_queries(siti, "/") > warm_other_user


def test_the_navigation_is_the_users_own_on_a_cached_page(amir, siti, indonesia):
    make_report(indonesia)
    secretariat_page = page_html(amir.get("/"))
    official_page = page_html(siti.get("/"))  # the progress fragment from the cache
    assert 'href="/comments/"' in secretariat_page
    assert 'href="/comments/"' not in official_page
    assert 'href="/my/"' in official_page


def test_an_anonymous_visitor_never_gets_the_progress_fragment(client, amir, indonesia):
    report = make_report(indonesia)
    assert f"/reports/{report.pk}/" in page_html(amir.get("/"))
    assert f"/reports/{report.pk}/" not in page_html(client.get("/"))


# What changes the version -------------------------------------------------------------------------


def test_a_save_and_a_delete_change_the_version(indonesia, secretariat_user):
    before = version()
    report = make_report(indonesia)
    after_save = version()
    assert after_save != before
    comment = comment_add(report=report, user=secretariat_user, kind="question", body="Which law?")
    after_comment = version()
    assert after_comment != after_save
    Comment.objects.filter(pk=comment.pk).delete()
    assert version() != after_comment


def test_writes_in_one_bump_block_change_the_version_once_at_its_end(indonesia, thailand):
    before = version()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        with caching.one_bump():
            make_report(indonesia)
            make_report(thailand)
            assert version() == before  # not yet: at the block's end
        after = version()
    assert after != before
    assert version() == after
    bumps = [q for q in queries if q["sql"].startswith('UPDATE "commitments_dataversion"')]
    assert len(bumps) == 1


def test_a_one_bump_block_that_fails_leaves_the_version_and_the_next_write_bumps(indonesia):
    class HalfWay(Exception):
        pass

    def fail_half_way():
        with transaction.atomic(), caching.one_bump():
            make_report(indonesia)
            raise HalfWay

    before = version()
    with pytest.raises(HalfWay):
        fail_half_way()
    assert version() == before
    assert not ProgressReport.objects.exists()
    make_report(indonesia)  # outside any block: bumps at once again
    assert version() != before


def test_a_one_bump_block_needs_a_transaction(refilled_after_flush, transactional_db):
    with pytest.raises(RuntimeError, match="in one transaction"), caching.one_bump():
        pass


def test_a_change_of_a_many_to_many_relation_changes_the_version(db):
    meeting = MinisterialMeeting.objects.founding()
    before = version()
    meeting.co_chairs.remove(Participant.objects.get(iso3="AUS"))
    assert version() != before


def test_an_edit_of_reference_data_shows_on_the_matrix_at_once(amir, indonesia):
    make_report(indonesia)
    assert "Republic of Indonesia (renamed)" not in page_html(amir.get("/matrix/"))
    indonesia.short_name = "Republic of Indonesia (renamed)"
    indonesia.save()  # as the admin's change form does
    assert "Republic of Indonesia (renamed)" in page_html(amir.get("/matrix/"))


def test_demonstration_data_made_in_bulk_changes_the_version(db):
    from commitments.demo import seed_demo

    before = version()
    seed_demo(password="a demonstration password")
    assert version() != before


def test_what_is_not_data_does_not_change_the_version(db):
    before = version()
    OutgoingEmail.objects.create(kind="comment", to="a@example.org", subject="Hi", body="Hi")
    User.objects.create_user("someone")
    assert version() == before


def test_the_models_that_change_the_version():
    models = set(caching.data_models())
    assert {ProgressReport, Comment, Participant} <= models
    assert not {OutgoingEmail, DataVersion} & models
    assert not any(m.__name__.startswith("Historical") for m in models)


def test_a_missing_version_row_is_made_again(db):
    DataVersion.objects.all().delete()
    token = version()
    assert token == version() == str(DataVersion.objects.get(pk=1).token)


def test_the_key_names_the_language_and_what_it_varies_on():
    with translation.override("en"):
        english = caching.cache_key("matrix", "v1", "2003-01-01")
    with translation.override("fr"):
        french = caching.cache_key("matrix", "v1", "2003-01-01")
    assert english != french
    assert caching.cache_key("matrix", "v1", "a") != caching.cache_key("matrix", "v1", "b")
    assert caching.cache_key("matrix", "v1") != caching.cache_key("matrix", "v2")
