"""Filters for the console log (settings.LOGGING)."""

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A 4xx (a page refused, 403; not found, 404; a bad request) is the site answering as
    designed (commitments.permissions and the views), not a fault: Django logs it as one
    line ("Forbidden (Permission denied): /path", "Not Found: /path") with the exception's
    traceback, which buries the real errors. Keep the line, drop the traceback. A server error
    (5xx) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int) and 400 <= status_code < 500:
            record.exc_info = None
            record.exc_text = None
        return True
