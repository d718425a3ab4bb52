from django.urls import path

from commitments.views import home, meetings, reports, status

urlpatterns = [
    path("", home.dashboard, name="home"),
    path("matrix/", status.matrix, name="matrix"),
    path("countries/", status.country_list, name="country_list"),
    path("countries/<str:iso3>/", status.country_detail, name="country_detail"),
    path("commitments/", status.commitment_list, name="commitment_list"),
    path("commitments/<slug:code>/", status.commitment_detail, name="commitment_detail"),
    path("reports/", reports.report_list, name="report_list"),
    path("reports/<int:pk>/", status.report_detail, name="report_detail"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<slug:slug>/", meetings.meeting_detail, name="meeting_detail"),
]
