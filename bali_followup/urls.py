from django.contrib import admin
from django.contrib.auth import urls as auth_urls
from django.urls import include, path
from django.views.decorators.http import require_http_methods

from commitments.views import accounts, languages, tokens

# Django's account views (login, password change and reset) answer any method a form view
# knows, PUT included; here they answer GET and POST only, and logout POST only, as it is.
# The login and the password reset are throttled (commitments.views.accounts).
OWN_VIEWS = {
    "login": accounts.login,
    "logout": accounts.logout,
    "password_reset": accounts.password_reset,
}


def account_view(pattern):
    view = OWN_VIEWS.get(pattern.name, pattern.callback)
    return view if pattern.name == "logout" else require_http_methods(["GET", "POST"])(view)


account_patterns = [
    path(str(pattern.pattern), account_view(pattern), name=pattern.name)
    for pattern in auth_urls.urlpatterns
] + [
    # The account page: the user's own language (commitments.views.languages).
    path("", languages.account, name="account"),
    # Personal API tokens (commitments.views.tokens).
    path("tokens/", tokens.token_list, name="api_tokens"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="api_token_revoke"),
]

# A database outage answers 503 with a page in the site's words, not a bare error.
handler500 = "commitments.views.errors.server_error"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include(account_patterns)),
    # The language menu of every page posts here.
    path("language/", languages.language_choose, name="language_choose"),
    path("api/v1/", include("commitments.api.urls")),
    path("", include("commitments.urls")),
]
