"""The API's addresses, under /api/v1/ (namespace `api`)."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import routers

from commitments.api import views
from commitments.api.docs import ApiDocsView
from commitments.api.permissions import ReferenceData
from commitments.api.schema import ApiAutoSchema

app_name = "api"


class ApiRootView(routers.APIRootView):
    """The list of the API's resources: public, as the reference data is."""

    permission_classes = [ReferenceData]
    http_method_names = ["get", "head", "options"]
    schema = ApiAutoSchema()  # DRF leaves its root view out of the schema; this one is in it

    @extend_schema(
        operation_id="root_retrieve",
        tags=["root"],
        responses=OpenApiResponse(
            {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}},
            description="The address of each resource's list, by name.",
        ),
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class Router(routers.DefaultRouter):
    APIRootView = ApiRootView
    include_format_suffixes = False  # no `.json` addresses: the API speaks JSON only


router = Router(use_regex_path=False)
router.register("participants", views.ParticipantViewSet, basename="participant")
router.register("paragraphs", views.ParagraphViewSet, basename="paragraph")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register(
    "ministerial-meetings", views.MinisterialMeetingViewSet, basename="ministerial-meeting"
)
router.register("expert-meetings", views.ExpertMeetingViewSet, basename="expert-meeting")
router.register("expert-groups", views.ExpertGroupViewSet, basename="expert-group")
router.register("recommendations", views.RecommendationViewSet, basename="recommendation")
router.register("mechanisms", views.MechanismViewSet, basename="mechanism")
router.register("handovers", views.HandoverViewSet, basename="handover")
router.register("reports", views.ReportViewSet, basename="report")

urlpatterns = [
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path(
        "schema/",
        SpectacularAPIView.as_view(http_method_names=["get", "head", "options"]),
        name="schema",
    ),
    path("docs/", ApiDocsView.as_view(), name="docs"),
    *router.urls,
]
