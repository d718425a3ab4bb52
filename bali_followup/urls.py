from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path
from django.views.decorators.http import require_http_methods

# Django's account views (login, password change and reset) answer any method a form view
# knows, PUT included; here they answer GET and POST only, and logout POST only, as it is.
account_patterns = [
    path(
        str(pattern.pattern),
        pattern.callback
        if pattern.name == "logout"
        else require_http_methods(["GET", "POST"])(pattern.callback),
        name=pattern.name,
    )
    for pattern in auth_urls.urlpatterns
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    path("", include("commitments.urls")),
]
