"""Importing reports from a file: upload (a preview, nothing written), look at the preview
row by row, apply it whole; the blank template and the rows in error as files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from commitments.exports import (
    EXPORTS,
    Download,
    ExportColumn,
    reports_download,
    submitted_reports,
)
from commitments.forms import ImportForm
from commitments.imports import ACTION_LABELS, IMPORT_ERROR_HEADING, read_table, text_of
from commitments.models import ReportImport
from commitments.permissions import import_for_user, import_scope
from commitments.services.imports import (
    ImportAlreadyApplied,
    PreviewOutOfDate,
    import_apply,
    import_preview,
)

ROWS_PER_PAGE = 100
RECENT_IMPORTS = 10


@login_required
def import_upload(request):
    """GET: the form, the format, the limits, the user's recent imports. POST: keep the file
    and show what it would do."""
    scope = import_scope(request.user)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["import_file"]
        batch = import_preview(user=request.user, name=upload.name, content=upload.read())
        return redirect("import_preview", batch.pk)
    recent = ReportImport.objects.filter(uploaded_by=request.user).defer("rows")
    context = {"form": form, "scope": scope, "recent": recent[:RECENT_IMPORTS]}
    return render(request, "commitments/imports/upload.html", context, status=400 if
                  form.is_bound else 200)  # fmt: skip


@require_safe
@login_required
def import_preview_page(request, pk):
    """What each row would do (or did), a page of rows at a time; ?action= shows one kind."""
    batch = import_for_user(request.user, pk)
    action = request.GET.get("action", "")
    rows = [row for row in batch.rows if not action or row["action"] == action]
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    counts = [(key, label, batch.count(key)) for key, label in ACTION_LABELS.items()]
    context = {
        "batch": batch,
        "page": page,
        "action": action if action in ACTION_LABELS else "",
        "counts": counts,
        "labels": ACTION_LABELS,
    }
    return render(request, "commitments/imports/preview.html", context)


@require_POST
@login_required
def import_apply_view(request, pk):
    batch = import_for_user(request.user, pk)
    try:
        batch = import_apply(batch=batch, user=request.user)
    except ImportAlreadyApplied as already:
        messages.info(request, already.messages[0])
    except PreviewOutOfDate as changed:
        messages.error(request, changed.messages[0])
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(
            request,
            _(
                "The file was applied: %(new)s new report(s) and %(corrections)s "
                "correction(s), submitted."
            )
            % {"new": batch.created_reports, "corrections": batch.corrections},
        )
    return redirect("import_preview", batch.pk)


@require_safe
@login_required
def import_errors(request, pk, export):
    """The rows in error, as they were in the file, with a column saying what is wrong: to
    correct and upload again."""
    batch = import_for_user(request.user, pk)
    if export not in EXPORTS or not batch.error_count:
        raise Http404("This import has no rows in error.")
    with batch.file.open("rb") as stored:
        table = read_table(batch.original_name, stored.read())
    messages_by_row = {
        row["number"]: "; ".join(
            f"{column}: {message}" if column else message for column, message in row["errors"]
        )
        for row in batch.rows
        if row["action"] == "error"
    }
    # The file's own columns, but for an earlier errors file's message column.
    kept = [i for i, h in enumerate(table.headings) if h.lower() != IMPORT_ERROR_HEADING.lower()]
    columns = [ExportColumn(table.headings[i], (), str) for i in kept]
    columns.append(ExportColumn(IMPORT_ERROR_HEADING, (), str, 60))
    rows = (
        [*(text_of(cells[i]) if i < len(cells) else "" for i in kept), messages_by_row[n]]
        for n, cells in table.rows
        if n in messages_by_row
    )
    return EXPORTS[export](Download(f"import-{batch.pk}-errors", "Rows in error", columns, rows))


@require_safe
@login_required
def import_template(request, export):
    """The reports download's columns and no rows: a file to fill in."""
    import_scope(request.user)
    if export not in EXPORTS:
        raise Http404("Templates are .csv or .xlsx.")
    download = reports_download(submitted_reports().none())
    download.name = "import-template"
    return EXPORTS[export](download)
