"""The API's documentation page: Swagger UI from drf-spectacular-sidecar's static files (no
CDN). The site's Content Security Policy refuses inline scripts and styles, so the page loads
its start-up script from its own address (drf-spectacular's split view) and its one style
sheet from the app's static files (templates/commitments/api/docs.html)."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "commitments/api/docs.html"
    url_name = "api:schema"
    http_method_names = ["get", "head", "options"]
