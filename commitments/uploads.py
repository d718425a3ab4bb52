"""Evidence files are judged by size as they arrive, not after: a file over the limit is
counted and dropped chunk by chunk (none of it is kept in memory or on disk), and the form
then says how large it was. The request as a whole is capped before it is read at all
(middleware.RefuseOversizedRequestsMiddleware)."""

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler

EVIDENCE_FIELD = "evidence_files"


class TooLargeUpload(InMemoryUploadedFile):
    """What stands for a dropped file: its name and the size it had, with no content."""

    def __init__(self, name, content_type, size):
        from io import BytesIO

        super().__init__(BytesIO(), EVIDENCE_FIELD, name, content_type, size, None)


class EvidenceSizeLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS. Only the evidence field is limited here (the admin's
    meeting documents keep the request cap alone)."""

    def new_file(self, field_name, file_name, content_type, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, *args, **kwargs)
        self.limited = field_name == EVIDENCE_FIELD
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        if not self.limited:
            return raw_data
        self.received += len(raw_data)
        # None stops the chunk here: the handlers after this one (memory, temporary file)
        # never see a byte of a file past the limit.
        return raw_data if self.received <= settings.EVIDENCE_MAX_BYTES else None

    def file_complete(self, file_size):
        if self.limited and self.received > settings.EVIDENCE_MAX_BYTES:
            self._discard_what_the_next_handlers_began()
            return TooLargeUpload(self.file_name, self.content_type, self.received)
        return None  # the next handler stored it

    def _discard_what_the_next_handlers_began(self):
        # They received the chunks up to the limit (a temporary file, say) and will not be
        # asked to finish: close, and so delete, what they hold.
        for handler in self.request.upload_handlers:
            if handler is not self and getattr(handler, "file", None) is not None:
                handler.file.close()
