"""Choosing the interface's language: the browser's languages first, the menu on every page
(a form, no JavaScript) for the browser, and a logged-in user's own preference, kept on the
account and brought back at each login. URLs are the same in every language."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from commitments.models import AccountPreference
from tests.conftest import client_for, messages_of, page_html

pytestmark = pytest.mark.django_db

LANGUAGE_MENU = reverse("language_choose")
ACCOUNT = reverse("account")


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', page_html(response)).group(1)


def choose(client, language, next_url="/matrix/"):
    return client.post(LANGUAGE_MENU, {"language": language, "next": next_url})


def test_the_browsers_language_is_the_first_guess(client):
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="id,en;q=0.5")) == "id"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")) == "zh-hans"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "en"  # not offered


@pytest.mark.parametrize("url", ["/", "/status-scale/", "/accounts/login/", "/data/"])
def test_every_page_has_the_menu_with_the_four_languages_as_buttons_of_one_form(client, url):
    html = page_html(client.get(url))
    form = re.search(r'<form id="language-form" method="post" action="/language/"', html)
    assert form, "the menu's form"
    assert 'name="csrfmiddlewaretoken"' in html[form.start() : html.index("</form>", form.start())]
    for code, name in settings.LANGUAGES:
        button = f'form="language-form" name="language" value="{code}" lang="{code}"'
        assert html.count(button) == 2, f"{name}: in the wide menu and the phone's"
        assert f">{name}</button>" in html


def test_the_menu_changes_the_language_for_this_browser_and_comes_back_to_the_page(client):
    response = choose(client, "fr")
    assert response.status_code == 302
    assert response["Location"] == "/matrix/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    page = client.get("/status-scale/", HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(page) == "fr"
    assert 'value="fr" lang="fr" class="language-choice" aria-current="true"' in page_html(page)
    # The same address in every language.
    assert client.get("/status-scale/").request["PATH_INFO"] == "/status-scale/"


def test_an_anonymous_choice_writes_nothing(client):
    choose(client, "id")
    assert not AccountPreference.objects.exists()


def test_a_logged_in_users_choice_is_their_preference_with_a_history_row(
    siti, official_of_indonesia
):
    choose(siti, "id")
    preference = AccountPreference.objects.get(user=official_of_indonesia)
    assert preference.language == "id"
    [row] = preference.history.all()
    assert row.history_user == official_of_indonesia
    # In another browser, with no cookie and an English browser: the preference, at login.
    elsewhere = client_for(official_of_indonesia)
    assert html_lang(elsewhere.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "id"


def test_choosing_the_same_language_again_writes_no_history(siti, official_of_indonesia):
    choose(siti, "fr")
    choose(siti, "fr")
    assert AccountPreference.objects.get(user=official_of_indonesia).history.count() == 1


def test_a_language_not_offered_is_refused_and_nothing_written(siti):
    for language in ("de", "", "en-gb'><script>"):
        response = choose(siti, language)
        assert response.status_code == 400
        assert "not offered" in response.content.decode()
    assert not AccountPreference.objects.exists()
    assert settings.LANGUAGE_COOKIE_NAME not in siti.cookies


def test_the_menu_answers_post_only(client):
    assert client.get(LANGUAGE_MENU + "?language=fr").status_code == 405


def test_the_menu_goes_back_only_to_this_site(client):
    response = choose(client, "fr", next_url="https://attacker.example/")
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_account_page_keeps_clears_and_shows_the_preference(siti, official_of_indonesia):
    page = siti.get(ACCOUNT)
    assert page.status_code == 200
    assert 'name="language"' in page_html(page)
    response = siti.post(ACCOUNT, {"language": "zh-hans"}, follow=True)
    assert response.redirect_chain == [(ACCOUNT, 302)]
    assert html_lang(response) == "zh-hans"
    assert messages_of(response)  # said, in the language chosen
    assert AccountPreference.objects.get(user=official_of_indonesia).language == "zh-hans"
    assert '<option value="zh-hans" selected>' in page_html(siti.get(ACCOUNT))
    # None: the browser's language again, in this session and at the next login.
    siti.post(ACCOUNT, {"language": ""})
    assert AccountPreference.objects.get(user=official_of_indonesia).language == ""
    assert html_lang(siti.get("/", HTTP_ACCEPT_LANGUAGE="fr")) == "fr"
    assert html_lang(client_for(official_of_indonesia).get("/")) == "en"


def test_the_account_page_refuses_a_language_not_offered(siti):
    response = siti.post(ACCOUNT, {"language": "de"})
    assert response.status_code == 200
    assert "Select a valid choice" in page_html(response)
    assert not AccountPreference.objects.exists()


def test_the_account_menu_leads_to_the_account_page(siti):
    html = page_html(siti.get("/"))
    assert html.count(f'<a href="{ACCOUNT}">Your account</a>') == 2  # wide menu and phone's


def test_the_account_page_needs_a_login():
    response = Client().get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_another_users_preference_does_not_follow_a_shared_browser(siti, somchai, amir):
    # Each login brings its own user's preference, whatever the last user chose.
    choose(siti, "id")
    assert html_lang(somchai.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


# What is never translated, and what the reference data says in each language --------------------


def test_a_narrative_keeps_its_own_language_said_beside_it(siti, amir):
    from tests.test_workspace import new_report_url, submit_data

    form = page_html(siti.get(new_report_url(), HTTP_ACCEPT_LANGUAGE="id"))
    assert '<option value="id" selected>' in form  # the first guess: the page's language
    narrative = "Gugus tugas antarlembaga dibentuk pada bulan Januari."
    siti.post(new_report_url(), submit_data(narrative=narrative, narrative_language="id"))
    from commitments.models import ProgressReport

    report = ProgressReport.objects.get()
    assert report.narrative_language == "id"
    page = page_html(amir.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="en"))
    assert f'<p lang="id">{narrative}</p>' in page
    assert "Written in Indonesian, as the participant wrote it." in page
    # In its own language, nothing to say.
    assert "Written in" not in page_html(
        amir.get(f"/reports/{report.pk}/", HTTP_ACCEPT_LANGUAGE="id")
    )


def test_a_narrative_language_not_offered_by_the_form_is_refused(siti):
    from commitments.models import ProgressReport
    from tests.test_workspace import new_report_url, submit_data

    response = siti.post(new_report_url(), submit_data(narrative_language="xx-evil"))
    assert response.status_code == 200
    assert "Select a valid choice" in page_html(response)
    assert not ProgressReport.objects.exists()


def test_the_commitments_short_titles_read_in_the_page_language_the_statement_in_english(client):
    english = page_html(client.get("/commitments/17a/", HTTP_ACCEPT_LANGUAGE="en"))
    french = page_html(client.get("/commitments/17a/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Information and intelligence sharing" in english
    assert "Échange d&#x27;informations et de renseignements" in french
    assert "Information and intelligence sharing" not in french
    statement = "Developing more effective information and intelligence sharing arrangements"
    assert f'<blockquote lang="en">{statement}' in french
    assert 'class="statement-note"' in french
    assert 'class="statement-note"' not in english


def test_a_translated_title_changed_keeps_its_history_in_every_language(secretariat_user):
    from commitments.history import record_as
    from commitments.models import Commitment

    commitment = Commitment.objects.get(code="17d")
    commitment.title_fr = "Sensibilisation du grand public"
    record_as(commitment, secretariat_user)
    commitment.save()
    latest, earlier = commitment.history.order_by("-history_id")[:2]
    assert (earlier.title_fr, latest.title_fr) == (
        "Sensibilisation du public", "Sensibilisation du grand public"
    )  # fmt: skip
    assert latest.title_en == earlier.title_en == "Public awareness"
    assert latest.history_user == secretariat_user


def test_the_admin_names_the_models_and_their_fields_in_the_page_language(root):
    from django.utils import translation
    from django.utils.text import capfirst

    with translation.override("fr"):
        reports = capfirst(translation.gettext("progress reports"))
        as_of = capfirst(translation.gettext("as of"))
    assert reports != "Progress reports"
    index = root.get("/admin/commitments/", HTTP_ACCEPT_LANGUAGE="fr")
    assert reports in index.content.decode()
    form = root.get("/admin/commitments/progressreport/add/", HTTP_ACCEPT_LANGUAGE="fr")
    assert form.status_code == 200
    assert as_of in form.content.decode()


def test_the_account_page_runs_the_same_queries_whatever_the_history(siti, official_of_indonesia):
    from tests.conftest import count_queries

    # The session, its user, the stored preference; the navigation's (is secretariat, the
    # official's participant, the data version, then the to-do count's nine: commitments,
    # participants, reports, dates, meetings, drafts' history, comments, their count, demo).
    assert count_queries(siti, ACCOUNT) == 15
    for language in ("fr", "id", "zh-hans", "fr"):
        choose(siti, language)  # four history rows of the preference
    assert count_queries(siti, ACCOUNT) == 15
