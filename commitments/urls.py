from django.urls import path
from django.views.generic import RedirectView

from commitments.views import (
    attendance,
    comments,
    groups,
    handover,
    health,
    home,
    imports,
    meetings,
    ministerial_review,
    open_data,
    recommendations,
    report,
    reports,
    status,
    todo,
    workspace,
)


def moved_to(name):
    """The page's earlier address, kept working for bookmarks and links in old emails."""
    return RedirectView.as_view(
        pattern_name=name, permanent=True, query_string=True, http_method_names=["get", "head"]
    )


urlpatterns = [
    path("", home.dashboard, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("favicon.ico", home.favicon, name="favicon"),
    path("matrix/", status.matrix, name="matrix"),
    path("countries/", status.country_list, name="country_list"),
    path("countries/<str:iso3>/", status.country_detail, name="country_detail"),
    path("commitments/", status.commitment_list, name="commitment_list"),
    path("commitments/<slug:code>/", status.commitment_detail, name="commitment_detail"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/import/", imports.import_upload, name="import_upload"),
    path(
        "reports/import/template.<slug:export>",
        imports.import_template,
        name="import_template",
    ),
    path("reports/import/<int:pk>/", imports.import_preview_page, name="import_preview"),
    path("reports/import/<int:pk>/apply/", imports.import_apply_view, name="import_apply"),
    path(
        "reports/import/<int:pk>/errors.<slug:export>",
        imports.import_errors,
        name="import_errors",
    ),
    path("reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("reports/<int:pk>/comments/", comments.comment_create, name="comment_create"),
    path("evidence/<int:pk>/", workspace.evidence_download, name="evidence_download"),
    path("my/", workspace.workspace, name="workspace"),
    path("my/reports/new/", workspace.report_create, name="report_create"),
    path("my/reports/<int:pk>/edit/", workspace.report_edit, name="report_edit"),
    path("my/reports/<int:pk>/delete/", workspace.report_delete, name="report_delete"),
    path("my/reports/<int:pk>/correct/", workspace.report_correct, name="report_correct"),
    path("comments/", comments.comment_queue, name="comment_queue"),
    path("todo/", todo.secretariat_todo_page, name="secretariat_todo"),
    path("status-scale/", status.status_scale, name="status_scale"),
    path("data/", open_data.index, name="open_data"),
    path("data/datapackage.json", open_data.datapackage, name="open_data_package"),
    path("data/bali-followup-data.zip", open_data.package_zip, name="open_data_zip"),
    path("data/<slug:resource>.csv", open_data.resource_csv, name="open_data_file"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<slug:slug>/", meetings.meeting_detail, name="meeting_detail"),
    path(
        "meetings/<slug:slug>/attendance/",
        attendance.record_attendance,
        name="meeting_attendance",
    ),
    path(
        "meeting-documents/<int:pk>/",
        meetings.meeting_document_download,
        name="meeting_document",
    ),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/volunteer/", groups.volunteer, name="group_volunteer"),
    path(
        "recommendations/<int:pk>/<slug:move>/",
        recommendations.recommendation_move,
        name="recommendation_move",
    ),
    path("ministerial-review/", ministerial_review.ministerial_review, name="ministerial_review"),
    path(
        "ministerial-review/print/",
        ministerial_review.ministerial_review_print,
        name="ministerial_review_print",
    ),
    path(
        "ministerial-review/report.pdf",
        ministerial_review.ministerial_review_pdf,
        name="ministerial_review_pdf",
    ),
    path("handover/", handover.register, name="handover"),
    path("handover/record/", handover.record, name="handover_record"),
    # Earlier addresses ("review" named two things: the ministerial review and the queue).
    path("review/", moved_to("ministerial_review"), name="old_ministerial_review"),
    path(
        "review/print/", moved_to("ministerial_review_print"), name="old_ministerial_review_print"
    ),
    path(
        "review/report.pdf", moved_to("ministerial_review_pdf"), name="old_ministerial_review_pdf"
    ),
    path("review-queue/", moved_to("comment_queue"), name="old_comment_queue"),
]
