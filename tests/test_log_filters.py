"""A 403 is logged as one line, without the traceback; a server error keeps its traceback."""

import logging
import sys

from django.conf import settings

from commitments.log_filters import ForbiddenWithoutTraceback


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
    assert ForbiddenWithoutTraceback().filter(forbidden) is True
    assert forbidden.exc_info is None
    assert logging.Formatter().format(forbidden) == "Forbidden (Permission denied): /comments/"


def test_a_server_error_keeps_its_traceback():
    error = record(500)
    assert ForbiddenWithoutTraceback().filter(error) is True
    assert "Traceback" in logging.Formatter().format(error)


def test_the_console_log_uses_the_filter():
    assert "forbidden" in settings.LOGGING["handlers"]["console"]["filters"]
