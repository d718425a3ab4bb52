"""Shared by the API's tests: the schema (made once per process), a client that sends a
token, and `validated`: a real response checked against the schema with openapi-core."""

import copy
import functools

from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from commitments.services.tokens import token_create


@functools.cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


@functools.cache
def openapi() -> OpenAPI:
    """The schema as the tests check responses against it: at the test client's host (the
    schema's server is SITE_URL), and with no property beyond those it names, so that a
    field the schema leaves out fails as surely as a missing one."""
    spec = copy.deepcopy(schema())
    spec["servers"] = [{"url": "http://testserver"}]
    for component in spec["components"]["schemas"].values():
        if "properties" in component:
            component["additionalProperties"] = False
    return OpenAPI.from_dict(spec)


def validated(response):
    """The response, after checking it (status, headers, body) against the schema's
    description of its operation; fails the test with openapi-core's reason otherwise."""
    openapi().validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )
    return response


def token_client(user, name="Tests") -> tuple[Client, str]:
    """A client that sends a new token of `user` on every request, and the token."""
    _, secret = token_create(user=user, name=name)
    return Client(headers={"Authorization": f"Bearer {secret}"}), secret
