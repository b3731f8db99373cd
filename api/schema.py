"""What drf-spectacular cannot see for itself: the Bearer key scheme."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.keys.BearerKeyAuthentication"
    name = "partnerKey"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A partner key made by an editor in the admin (API keys), as `Authorization: Bearer <key>`.",
        }


ERROR_SCHEMA = {
    "type": "object",
    "required": ["status", "error", "detail"],
    "properties": {
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "detail": {"type": "string"},
        "fields": {"type": "object", "description": "For a 400: what was wrong with each parameter."},
    },
}
ERRORS = {
    "400": "A parameter is not valid (see `fields`).",
    "401": "No key, or an unknown, revoked or expired key, where one is needed.",
    "403": "The key's scopes do not include this resource.",
    "404": "Nothing here: unknown, or not published.",
    "429": "Too many requests: try again after `Retry-After` seconds.",
}
# OpenAPI links from each answer to the addresses it names, for clients and for schemathesis' stateful tests.
LINKS = {
    "stories_list": {"story": ("stories_retrieve", "$response.body#/results/0/id")},
    "stories_retrieve": {
        "section": ("sections_retrieve", "$response.body#/section/id"),
        "author": ("authors_retrieve", "$response.body#/bylines/0/author_id"),
    },
    "authors_list": {"author": ("authors_retrieve", "$response.body#/results/0/id")},
    "sections_list": {"section": ("sections_retrieve", "$response.body#/0/id")},
    "changes_list": {"story": ("stories_retrieve", "$response.body#/results/0/story_id")},
    "corrections_list": {"story": ("stories_retrieve", "$response.body#/results/0/story_id")},
}


def add_errors_and_links(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular postprocessing hook: every error the API answers, with its JSON shape, and the links."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if settings.API_ANONYMOUS_ACCESS and {} not in operation.setdefault("security", []):
                operation["security"].append({})  # a key is optional: anyone may read
            responses = operation["responses"]
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": error})
            links = LINKS.get(operation.get("operationId"), {})
            if links:
                responses["200"]["links"] = {
                    name: {"operationId": target, "parameters": {"id": expression}}
                    for name, (target, expression) in links.items()
                }
    return result
