from django.urls import path

from commitments.views import home, meetings, report, reports, review, status, workspace

urlpatterns = [
    path("", home.dashboard, name="home"),
    path("matrix/", status.matrix, name="matrix"),
    path("countries/", status.country_list, name="country_list"),
    path("countries/<str:iso3>/", status.country_detail, name="country_detail"),
    path("commitments/", status.commitment_list, name="commitment_list"),
    path("commitments/<slug:code>/", status.commitment_detail, name="commitment_detail"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", report.report_detail, name="report_detail"),
    path("reports/<int:pk>/comments/", review.comment_create, name="comment_create"),
    path("evidence/<int:pk>/", workspace.evidence_download, name="evidence_download"),
    path("my/", workspace.workspace, name="workspace"),
    path("my/reports/new/", workspace.report_create, name="report_create"),
    path("my/reports/<int:pk>/edit/", workspace.report_edit, name="report_edit"),
    path("my/reports/<int:pk>/delete/", workspace.report_delete, name="report_delete"),
    path("my/reports/<int:pk>/correct/", workspace.report_correct, name="report_correct"),
    path("review-queue/", review.review_queue, name="review_queue"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<slug:slug>/", meetings.meeting_detail, name="meeting_detail"),
]
