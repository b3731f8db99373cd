"""What drf-spectacular cannot see for itself: the Bearer key scheme."""

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
