"""Evidence files and files to import are judged by size as they arrive, not after: a file
over the limit is counted and dropped chunk by chunk (none of it is kept in memory or on disk),
and the form then says how large it was. The request as a whole is capped before it is read at
all (middleware.RefuseOversizedRequestsMiddleware)."""

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

EVIDENCE_FIELD = "evidence_files"
IMPORT_FIELD = "import_file"


def size_limit(field_name: str) -> int | None:
    """The most bytes a file of this form field may have; None: the request's cap alone."""
    limits = {EVIDENCE_FIELD: settings.EVIDENCE_MAX_BYTES, IMPORT_FIELD: settings.IMPORT_MAX_BYTES}
    return limits.get(field_name)


class TooLargeUpload(InMemoryUploadedFile):
    """What stands for a dropped file: its name and the size it had, with no content."""

    def __init__(self, field_name, name, content_type, size):
        from io import BytesIO

        super().__init__(BytesIO(), field_name, name, content_type, size, None)


class EvidenceSizeLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS. Only the evidence and import fields are limited here
    (the admin's meeting documents keep the request cap alone)."""

    def new_file(self, field_name, file_name, content_type, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        self.limit = size_limit(field_name)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if self.limit is None:
            return raw_data
        self.received += len(raw_data)
        # None stops the chunk here: the handlers after this one (memory, temporary file)
        # never see a byte of a file past the limit.
        return raw_data if self.received <= self.limit else None

    def file_complete(self, file_size):
        if self.limit is not None and self.received > self.limit:
            self._discard_what_the_next_handlers_began()
            return TooLargeUpload(self.field_name, self.file_name, self.content_type, self.received)
        return None  # the next handler stored it

    def _discard_what_the_next_handlers_began(self):
        # They received the chunks up to the limit (a temporary file, say) and will not be
        # asked to finish: close, and so delete, what they hold.
        for handler in self.request.upload_handlers:
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
