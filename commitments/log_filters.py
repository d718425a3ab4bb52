"""Filters for the console log (settings.LOGGING)."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """A 403 is the permission helpers doing their work (commitments.permissions), not a
    fault: Django logs it as "Forbidden (Permission denied): /path" with the exception's
    traceback, which buries the real errors. Keep the line, drop the traceback. A server
    error (500) keeps its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
