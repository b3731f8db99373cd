"""The request being answered, for audit entries written from model signals (who changed a role, from where)."""

from contextvars import ContextVar

from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_current_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)
