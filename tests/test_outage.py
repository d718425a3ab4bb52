"""A database that does not answer: pages say so in the site's words (503, with Retry-After),
and `/healthz` tells a load balancer. The database is made unreachable by refusing this
thread's connection; `.ci/outage_check.py` stops a real PostgreSQL under load in CI."""

import datetime

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from commitments.services.mail import queue_email
from tests.conftest import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """From here on, every query of this thread fails as when the server is stopped."""

    def refuse(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    def down():
        monkeypatch.setattr(connection, "ensure_connection", refuse)

    return down


def browser(user=None) -> Client:
    client = Client(raise_request_exception=False)  # as a real server answers
    if user is not None:
        client.force_login(user)
    return client


def test_a_page_during_an_outage_is_a_503_in_the_sites_words(database_down, official_of_indonesia):
    client = browser(official_of_indonesia)
    database_down()
    response = client.get("/matrix/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    text = page_text(response)
    assert "The tracker is briefly unavailable" in text
    assert "Nothing saved before is lost" in text
    assert "may not have been saved" not in text


def test_a_form_sent_during_an_outage_says_it_may_not_have_been_saved(
    database_down, official_of_indonesia
):
    client = browser(official_of_indonesia)
    database_down()
    response = client.post("/my/reports/new/?commitment=17a", {"status": "limited"})
    assert response.status_code == 503
    text = page_text(response)
    assert "what you just sent may not have been saved" in text
    assert "Nothing saved before is lost" not in text  # not promised where it may be untrue


def test_another_server_error_is_still_a_500(monkeypatch, official_of_indonesia):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not an outage")

    monkeypatch.setattr("commitments.views.status.status_matrix", broken)
    response = browser(official_of_indonesia).get("/matrix/")
    assert response.status_code == 500
    assert "briefly unavailable" not in response.content.decode()


def test_healthz_reports_the_database_and_the_worker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "worker": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_says_the_worker_is_late_when_a_task_waits_too_long(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    queue_email(kind="comment", to="siti@example.org", subject="S", body="B")
    assert client.get("/healthz").json()["worker"] == "ok"  # just queued

    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 200  # a stopped worker must not take the site out
    assert response.json()["worker"] == "late"


def test_healthz_answers_503_while_the_database_is_down(database_down):
    client = browser()
    database_down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "unavailable", "worker": "unknown"}
