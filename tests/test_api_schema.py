"""The API's OpenAPI schema: made without a warning, valid against the OpenAPI
specification, covering every address of the API; and its documentation page, served from
the app's own static files under the site's Content Security Policy."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import URLResolver, get_resolver
from openapi_spec_validator import validate

from tests.api import schema

pytestmark = pytest.mark.django_db


def test_the_schema_is_made_without_a_warning(tmp_path):
    # --fail-on-warn raises on any warning (an unresolved field, an enum collision...).
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml"))


def test_the_schema_is_valid_openapi():
    validate(schema())


def api_routes() -> set[str]:
    resolver = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and p.namespace == "api"
    )
    return {"/api/v1/" + str(p.pattern) for p in resolver.url_patterns}


def test_every_address_of_the_api_is_in_the_schema():
    documented = {re.sub(r"\{\w+\}", "<>", path) for path in schema()["paths"]}
    routes = {re.sub(r"<\w+:\w+>|<\w+>", "<>", route) for route in api_routes()}
    # The schema and its documentation page describe the API; they are not part of it.
    assert routes - {"/api/v1/schema/", "/api/v1/docs/"} == documented


def test_every_operation_says_what_each_error_looks_like():
    for path, operations in schema()["paths"].items():
        responses = operations["get"]["responses"]
        assert {"200", "401", "429"} <= set(responses), path
        if "{" in path:
            assert "404" in responses, path


def test_the_words_are_neutral():
    """Progress is voluntary self-reporting (paragraph 19): the schema says so, and speaks of
    rankings and scores only to say there are none."""
    text = str(schema()).lower()
    assert "voluntary self-reporting" in schema()["info"]["description"]
    assert "compliance" not in text
    for disclaimer in ("without rankings or scores", "never a score or a ranking"):
        text = text.replace(disclaimer, "")
    assert not re.search(r"\b(ranks?|rankings?|scores?|ranked)\b", text)


def test_the_schema_is_served_as_json_and_yaml(client):
    assert client.get("/api/v1/schema/?format=json").json()["openapi"].startswith("3.")
    assert client.get("/api/v1/schema/")["Content-Type"].startswith("application/vnd.oai.openapi")


def test_the_documentation_page_loads_only_files_of_this_site(client):
    page = client.get("/api/v1/docs/")
    html = page.content.decode()

    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<style" not in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(url.startswith("/") for url in sources), sources
    for url in sources:
        if url.startswith("/static/"):
            assert finders.find(url.removeprefix("/static/")), url
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()
