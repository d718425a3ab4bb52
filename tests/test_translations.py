"""Every page of the README's table reads whole in each language: no interface string is left
in English. What the data says (names, narratives, titles, sources, the statement's text) is
the same in every language and is not counted; nor are names that are the same in every
language (CSV, API, IOM...)."""

import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client

from commitments.demo import seed_demo
from tests.pages import README_PAGES, page_ids

pytestmark = pytest.mark.django_db

PASSWORD = "translation-test-password"
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# Names that are the same in every language of the site: of languages, products, formats,
# organisations, the licence.
SAME_EVERYWHERE = [
    "English", "Bahasa Indonesia", "Français", "CC BY 4.0", "Frictionless Data Package",
    "Swagger UI", "OpenAPI", "Authorization: Bearer", "Bali Process",
    "Creative Commons Attribution 4.0 International",
]  # fmt: skip
ACRONYMS = {
    "api", "csv", "excel", "xlsx", "json", "iso", "iom", "unhcr", "unodc", "asean", "bali",
    "ahg", "aheg", "ii", "utc", "pdf", "url", "http", "https", "www", "md", "txt", "zip",
    "datapackage", "frictionless", "seed_demo", "load_reference", "manage", "py", "python",
}  # fmt: skip
ATTRIBUTES = {"aria-label", "title", "alt", "placeholder"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Texts(HTMLParser):
    """The text a reader meets in the page's language: text nodes outside scripts, styles and
    code, and the labels assistive technology reads (aria-label, title, alt, placeholder). Text
    marked as written in another language (`lang`: the statement's words, a narrative, a
    language's own name) is left out: it is meant to be read as it is."""

    def __init__(self):
        super().__init__()
        self.texts, self._open = [], []  # the open elements: (tag, skipped)
        self.language = None

    def _skipped(self) -> bool:
        return any(skipped for _, skipped in self._open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.language = attrs.get("lang")
        other_language = "lang" in attrs and attrs["lang"] != self.language
        if tag not in VOID:
            # Code (column names, commands, values of a file) reads the same in every language.
            self._open.append((tag, tag in ("script", "style", "code") or other_language))
        if not self._skipped() and not other_language:
            self.texts += [attrs[name] for name in ATTRIBUTES if attrs.get(name)]

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.texts.append(" ".join(data.split()))


def texts_of(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    return parser.texts


def vocabulary(language: str) -> set[str]:
    """The words the language's catalogues use (ours and Django's): a word the translators
    wrote, such as "Page" or "Menu" in French, is that language's word too."""
    from pathlib import Path

    import django

    folder = translation_folder(language)
    catalogues = [
        Path(settings.BASE_DIR) / "locale" / folder / "LC_MESSAGES" / "django.po",
        Path(django.__file__).parent / "conf" / "locale" / folder / "LC_MESSAGES" / "django.po",
    ]
    words = set()
    for catalogue in catalogues:
        for line in catalogue.read_text(encoding="utf-8").splitlines():
            if line.startswith(("msgstr", '"')):
                words.update(word.lower() for word in re.findall(r"[A-Za-z][A-Za-z'_-]+", line))
    return words


def translation_folder(language: str) -> str:
    from django.utils.translation import to_locale

    return to_locale(language)


def data_values() -> set[str]:
    """Every text the database holds (names, narratives, titles, sources, usernames): shown
    as it is, in every language."""
    values = set()
    for model in apps.get_models():
        if model.__name__.startswith("Historical"):
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and not f.choices
        ]
        for row in model.objects.values_list(*fields) if fields else ():
            values.update(" ".join(str(v).split()) for v in row if v)
    return values


def english_words(text: str, data: set[str], own_words: set[str]) -> list[str]:
    """The words of `text` that are neither data, nor the same in every language, nor words
    of the page's language."""
    text = re.sub(r"\S+\.(csv|json|zip|md|txt|pdf|xlsx)\b", " ", text)  # file names
    # The longest first: "Indonesia" is part of "Bahasa Indonesia", "Bali Process" of a
    # source's note.
    for value in sorted({*data, *SAME_EVERYWHERE}, key=len, reverse=True):
        if len(value) > 1 and value in text:
            text = text.replace(value, " ")
    words = re.findall(r"[A-Za-z][A-Za-z'_-]+", text)
    return [w for w in words if w.lower() not in ACRONYMS and w.lower() not in own_words]


@pytest.fixture
def demo_world(db):
    seed_demo(seed=7, password=PASSWORD)
    return {"ids": page_ids(), "data": data_values()}


def client_as(username: str) -> Client:
    from django.contrib.auth.models import User

    client = Client()
    if username != "anonymous":
        client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_readme_page_reads_whole_in_the_language(demo_world, language):
    left, own_words = {}, vocabulary(language)
    for username, address, name in README_PAGES:
        client = client_as(username)
        url = address.format(**demo_world["ids"])
        english = set(texts_of(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()))
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200, (name, page.status_code)
        for text in texts_of(page.content.decode()):
            # Only what reads the same as in English can be English left behind.
            words = english_words(text, demo_world["data"], own_words) if text in english else []
            if words:
                left.setdefault(name, set()).add(f"{text!r} ({' '.join(words)})")
    assert not left, "\n".join(f"{page}: {sorted(texts)}" for page, texts in left.items())


# Emails and the PDF ------------------------------------------------------------------------------


def in_language(language: str, text: str) -> str:
    from django.utils import translation

    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"no {language} translation of {text!r}"
    return translated


def test_an_email_to_an_official_whose_preference_is_french_is_in_french(
    amir, official_of_indonesia, indonesia, mailoutbox, django_capture_on_commit_callbacks
):
    from commitments.services.accounts import account_language_set
    from tests.conftest import make_report
    from tests.test_comments import comment_url

    account_language_set(user=official_of_indonesia, language="fr")
    report = make_report(indonesia)
    with django_capture_on_commit_callbacks(execute=True):
        amir.post(comment_url(report), {"kind": "question", "body": "Which law?"})
    [email] = [m for m in mailoutbox if official_of_indonesia.email in m.to]
    assert in_language("fr", "Read and answer it here:") in email.body
    assert "15 janvier 2003" in email.body  # the report's date, in French
    assert "Read and answer it here:" not in email.body
    # The secretariat's page stays in its own language.
    assert "Read and answer" not in amir.get("/").content.decode()


@pytest.mark.parametrize(
    ("language", "due_date"), [("id", "28 Februari 2003"), ("zh-hans", "2003年2月28日")]
)
def test_the_pdf_for_ministers_in_indonesian_and_chinese_holds_their_words(
    client, official_of_thailand, tmp_path, language, due_date
):
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None or shutil.which("pdffonts") is None:
        pytest.skip("poppler-utils is not installed (make system-packages)")
    client.force_login(official_of_thailand)
    response = client.get("/ministerial-review/report.pdf", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "report.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True, text=True).stdout  # fmt: skip
    text = " ".join(text.split())
    assert in_language(language, "Results of the meetings of experts for Ministers") in text
    assert due_date in text
    if language == "zh-hans":
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "CJK" in fonts, f"no CJK font embedded (boxes in place of characters):\n{fonts}"
