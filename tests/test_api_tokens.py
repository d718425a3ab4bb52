"""Personal API tokens: made, named and revoked on the account page; the secret shown once and
stored only as a digest; a revoked or wrong token authenticates nothing; every change in the
history, naming who made it; the API's rate limits per token and per address."""

import datetime

import pytest
import time_machine
from django.test import Client, override_settings
from rest_framework.settings import api_settings

from commitments.models import ApiToken
from commitments.models.tokens import token_digest
from commitments.services.tokens import token_create, token_revoke
from tests.api import token_client, validated
from tests.conftest import page_text

pytestmark = pytest.mark.django_db

PAGE = "/accounts/tokens/"


def test_the_page_needs_a_login(client):
    assert client.get(PAGE)["Location"].startswith("/accounts/login/?next=")


def test_the_account_menu_links_to_it(siti):
    assert f'href="{PAGE}"' in siti.get("/").content.decode()


def test_a_new_token_is_shown_once_and_stored_as_its_digest(siti, official_of_indonesia):
    response = siti.post(PAGE, {"name": "Monthly export"})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=official_of_indonesia)
    secret = next(w for w in page_text(response).split() if w.startswith(token.prefix))
    assert token.digest == token_digest(secret)
    assert secret not in str(list(ApiToken.history.values()))
    assert secret not in siti.get(PAGE).content.decode()  # never again
    assert token.prefix in siti.get(PAGE).content.decode()
    assert token.history.get().history_user == official_of_indonesia


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the token a name."), ("x" * 101, "at most 100 characters")],
)
def test_a_token_needs_a_name_of_a_sensible_length(siti, name, message):
    response = siti.post(PAGE, {"name": name})
    assert message in page_text(response)
    assert not ApiToken.objects.exists()


def test_a_name_is_unique_among_the_users_active_tokens(
    siti, official_of_indonesia, official_of_thailand
):
    token, _ = token_create(user=official_of_indonesia, name="Export")
    token_create(user=official_of_thailand, name="Export")  # someone else's: no clash

    response = siti.post(PAGE, {"name": " Export "})
    assert "already have an active token with this name" in page_text(response)

    token_revoke(token=token, user=official_of_indonesia)
    assert siti.post(PAGE, {"name": "Export"}).status_code == 201  # the old one is revoked


def test_revoking_asks_first_then_stops_the_token(siti, official_of_indonesia):
    api, _ = token_client(official_of_indonesia, name="Script")
    token = ApiToken.objects.get()
    url = f"{PAGE}{token.pk}/revoke/"

    assert "will stop working" in page_text(siti.get(url))
    assert ApiToken.objects.active().exists()  # the question writes nothing
    assert siti.post(url)["Location"] == PAGE

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token.history.first().history_user == official_of_indonesia
    response = validated(api.get("/api/v1/participants/"))
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert siti.get(url).status_code == 404  # not revoked twice


def test_no_one_revokes_someone_elses_token(somchai, official_of_indonesia):
    token, _ = token_create(user=official_of_indonesia, name="Script")
    url = f"{PAGE}{token.pk}/revoke/"

    assert somchai.get(url).status_code == 404
    assert somchai.post(url).status_code == 404
    assert ApiToken.objects.active().get() == token
    assert "Script" not in somchai.get(PAGE).content.decode()


@pytest.mark.parametrize(
    "header",
    ["Bearer bft_not-a-token", "Bearer", "Bearer a b", "Token bft_x"],
)
def test_a_wrong_token_is_refused_even_on_public_data(header):
    response = validated(Client(headers={"Authorization": header}).get("/api/v1/participants/"))
    assert response.status_code == 401


def test_the_token_keyword_works_as_well_as_bearer(official_of_indonesia):
    _, secret = token_create(user=official_of_indonesia, name="Old client")
    client = Client(headers={"Authorization": f"Token {secret}"})
    assert client.get("/api/v1/reports/").status_code == 200


def test_last_used_is_written_at_most_every_five_minutes(official_of_indonesia):
    api, _ = token_client(official_of_indonesia)
    token = ApiToken.objects.get()
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.UTC)):
        api.get("/api/v1/")
    with time_machine.travel(datetime.datetime(2026, 1, 1, 9, 4, tzinfo=datetime.UTC)):
        api.get("/api/v1/")
    token.refresh_from_db()
    assert token.last_used_at == datetime.datetime(2026, 1, 1, 9, 0, tzinfo=datetime.UTC)
    assert token.history.count() == 1  # bookkeeping, not a change: no history row


def test_a_deactivated_users_tokens_stop_working(official_of_indonesia):
    api, _ = token_client(official_of_indonesia)
    official_of_indonesia.is_active = False
    official_of_indonesia.save()
    assert api.get("/api/v1/").status_code == 401


LOW_RATES = {
    **api_settings.user_settings,
    "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"},
}


@override_settings(REST_FRAMEWORK=LOW_RATES)
def test_the_api_is_throttled_per_token_and_per_address(official_of_indonesia):
    first, _ = token_client(official_of_indonesia, name="First")
    second, _ = token_client(official_of_indonesia, name="Second")
    anonymous, elsewhere = Client(), Client(REMOTE_ADDR="10.0.0.2")

    assert [first.get("/api/v1/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert second.get("/api/v1/").status_code == 200  # each token counts on its own
    assert [anonymous.get("/api/v1/").status_code for _ in range(3)] == [200, 200, 429]
    assert elsewhere.get("/api/v1/").status_code == 200  # each address on its own

    refused = validated(first.get("/api/v1/participants/"))
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60
