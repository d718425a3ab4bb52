"""How a page answers with a prepared document (commitments.services.documents): the file
when it is ready, else a page that says it is being prepared (and reloads itself, without
JavaScript), or that it could not be made."""

from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from commitments.models import PreparedDocument

State = PreparedDocument.State
CONTENT_TYPES = {
    PreparedDocument.Kind.MINISTERS_PDF: "application/pdf",
    PreparedDocument.Kind.REPORTS_CSV: "text/csv; charset=utf-8",
    PreparedDocument.Kind.REPORTS_XLSX: (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    PreparedDocument.Kind.OPEN_DATA_ZIP: "application/zip",
    PreparedDocument.Kind.OPEN_DATA_REPORTS: "text/csv; charset=utf-8",
}
RELOAD_SECONDS = 5


def document_response(request, document: PreparedDocument, *, back_url: str, inline=False):
    if document.state == State.READY and inline:
        # A PDF is small (a few hundred kilobytes): read whole, so that no file stays open
        # for the server (or a test client) to close.
        with document.file.open("rb") as file:
            content = file.read()
        disposition = content_disposition_header(False, document.filename)
        return HttpResponse(
            content,
            content_type=CONTENT_TYPES[document.kind],
            headers={"Content-Disposition": disposition},
        )
    if document.state == State.READY:
        return FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.filename,
            content_type=CONTENT_TYPES[document.kind],
        )
    context = {"document": document, "back_url": back_url, "reload_seconds": RELOAD_SECONDS}
    # 202: accepted, not yet done; 500: it was tried and failed (asking again tries again).
    status = 202 if document.state == State.QUEUED else 500
    return render(request, "commitments/prepared.html", context, status=status)
