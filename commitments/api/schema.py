"""The OpenAPI schema's rules beyond drf-spectacular's defaults: every operation lists the
errors it can answer with, each with the body it has, so that the schema describes every
response a program can get."""

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from commitments.api.permissions import ProgressData
from commitments.api.serializers import ErrorSerializer

# A 400 names each parameter that is wrong, with its messages: {"as_of": ["Enter a date..."]}.
FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"as_of": ["Enter a date as YYYY-MM-DD, for example 2003-02-28."]},
}


def error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


class ApiAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        # After the success responses, whether the view or an extend_schema gave them.
        responses = super()._get_response_bodies(direction)
        for code, response in self.error_responses().items():
            responses.setdefault(str(code), self._get_response_for_code(response, str(code)))
        return responses

    def error_responses(self) -> dict:
        errors = {
            401: error(
                "A token that is not valid (mistyped or revoked)"
                + (", or none where progress data needs a login." if self.is_progress() else ".")
            ),
            429: error("Too many requests: wait the seconds that Retry-After says."),
        }
        if self.view_action() == "retrieve":
            errors[404] = error("No record has that code or id.")
        if self.has_query_parameters():
            errors[400] = OpenApiResponse(
                FIELD_ERRORS, description="A parameter that is not valid, named with why."
            )
        return errors

    def view_action(self) -> str | None:
        return getattr(self.view, "action", None)

    def is_progress(self) -> bool:
        return any(issubclass(cls, ProgressData) for cls in self.view.permission_classes)

    def has_query_parameters(self) -> bool:
        """A list (its paging and filters) or a view with parameters of its own."""
        return self.view_action() == "list" or bool(self.get_override_parameters())


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "commitments.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token, made on /accounts/tokens/ "
            "(`Authorization: Bearer <token>`; `Token <token>` is read too).",
        }


class ReadOnlySessionScheme(SessionScheme):
    target_class = "commitments.api.authentication.ReadOnlySessionAuthentication"
