"""Who is calling: a personal API token (`Authorization: Bearer <token>`, or `Token <token>`)
for programs, the session for the browser (the documentation page)."""

from rest_framework import authentication, exceptions

from commitments.models import ApiToken
from commitments.models.tokens import token_digest
from commitments.services.tokens import token_used

KEYWORDS = ("bearer", "token")
BAD_TOKEN_MESSAGE = "The token is not valid: it may have been mistyped or revoked."
MALFORMED_MESSAGE = "Send the token as `Authorization: Bearer <token>`."


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower().decode(errors="replace") not in KEYWORDS:
            return None  # no token: another authentication, or anonymous
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(MALFORMED_MESSAGE)
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(BAD_TOKEN_MESSAGE) from None
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(BAD_TOKEN_MESSAGE)
        token_used(token=token)
        return token.user, token

    def authenticate_header(self, request):
        # Makes an unauthenticated request a 401 (with this challenge) rather than a 403.
        return 'Bearer realm="api"'


class ReadOnlySessionAuthentication(authentication.SessionAuthentication):
    """The browser's session. DRF checks CSRF on unsafe methods for logged-in users; the API
    answers every unsafe method with 405 (its views are read-only), so the check would only
    turn that 405 into a 403 for some callers and not others. A write added to the API must
    bring the check back."""

    def enforce_csrf(self, request):
        return None
