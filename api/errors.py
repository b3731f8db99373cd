"""Every error the API answers, as JSON: ``{"status": 404, "error": "not_found", "detail": "…"}``."""

from django.http import Http404, HttpRequest, JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler


def json_error(error: Exception, context: dict):
    """DRF's handler, with one shape of body for every error (and 404s of ``get_object_or_404`` included)."""
    if isinstance(error, Http404):
        error = exceptions.NotFound("Nothing here: unknown, or not published.")
    response = exception_handler(error, context)
    if response is None:
        return None  # a bug: Django's 500 (logged), never its details
    code = error.default_code if isinstance(error, exceptions.APIException) else "error"
    detail = response.data.get("detail") if isinstance(response.data, dict) and "detail" in response.data else None
    response.data = {
        "status": response.status_code,
        "error": getattr(getattr(error, "detail", None), "code", None) or code,
        "detail": str(detail) if detail is not None else "The request has errors.",
        **({"fields": response.data} if detail is None else {}),
    }
    return response


def not_found(request: HttpRequest, *args, **kwargs) -> JsonResponse:
    """Any other address under /api/: a JSON 404, not the reader site's page."""
    return JsonResponse({"status": 404, "error": "not_found", "detail": "No such address in the API."}, status=404)
