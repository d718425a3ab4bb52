"""An expected 403 or 404 is logged as one line, without the traceback; a server error keeps
its traceback."""

import io
import logging
import sys

import pytest
from django.conf import settings

from commitments.log_filters import ClientErrorWithoutTraceback


def record(status_code: int) -> logging.LogRecord:
    try:
        raise RuntimeError("raised for the test")
    except RuntimeError:
        exc_info = sys.exc_info()
    return logging.makeLogRecord(
        {"name": "django.request", "msg": "Forbidden (Permission denied): /comments/",
         "levelno": logging.WARNING, "exc_info": exc_info, "status_code": status_code}
    )  # fmt: skip


def test_a_403_keeps_its_line_and_loses_its_traceback():
    forbidden = record(403)
    assert ClientErrorWithoutTraceback().filter(forbidden) is True
    assert forbidden.exc_info is None
    assert logging.Formatter().format(forbidden) == "Forbidden (Permission denied): /comments/"


def test_a_server_error_keeps_its_traceback():
    error = record(500)
    assert ClientErrorWithoutTraceback().filter(error) is True
    assert "Traceback" in logging.Formatter().format(error)


def test_the_console_log_uses_the_filter():
    assert "client_errors" in settings.LOGGING["handlers"]["console"]["filters"]


@pytest.mark.django_db
def test_a_404_raised_by_a_view_is_one_line(siti):
    """Through Django's own logging of the response: the line, and no traceback."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ClientErrorWithoutTraceback())
    logging.getLogger("django.request").addHandler(handler)
    try:
        assert siti.get("/reports/999999/").status_code == 404
        assert siti.get("/comments/").status_code == 403
    finally:
        logging.getLogger("django.request").removeHandler(handler)
    lines = stream.getvalue().splitlines()
    assert lines == ["Not Found: /reports/999999/", "Forbidden (Permission denied): /comments/"]
