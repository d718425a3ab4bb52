"""Evidence files: which kinds are accepted, judged by their content, not only by their name."""

from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext

# Detected kind (filetype's extension) -> the file-name extensions that may carry it.
ACCEPTED_KINDS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg", "jpeg"},
    "gif": {"gif"},
    "webp": {"webp"},
    "doc": {"doc"},
    "docx": {"docx"},
    "odt": {"odt"},
    "xls": {"xls"},
    "xlsx": {"xlsx"},
    "ods": {"ods"},
    "ppt": {"ppt"},
    "pptx": {"pptx"},
    "odp": {"odp"},
}
ACCEPT_ATTRIBUTE = ",".join(f".{ext}" for exts in ACCEPTED_KINDS.values() for ext in sorted(exts))
# Enough of the file for every signature filetype knows, the zipped Office formats included.
HEAD_BYTES = 8192


def validate_evidence_file(upload) -> str:
    """Check an uploaded file; return its MIME type, or raise ValidationError saying why not."""
    name = upload.name or "file"
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            gettext("%(name)s is %(size)s; files may be at most %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.extension not in ACCEPTED_KINDS:
        raise ValidationError(
            gettext(
                "%(name)s is not a PDF, an Office document or an image (judged by its content)."
            )
            % {"name": name}
        )
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ACCEPTED_KINDS[kind.extension]:
        raise ValidationError(
            gettext(
                "%(name)s holds a %(kind)s file but its name says otherwise; rename it to match "
                "its content."
            )
            % {"name": name, "kind": kind.extension.upper()}
        )
    return kind.mime
