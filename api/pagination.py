"""Cursor pagination on a (value, id) key: stable however many stories are published meanwhile.

The cursor is the last item's key, opaque to clients (base64 JSON). A page asks for the items after it in
the list's order, which an index on (value, id) answers directly at any depth: no offsets, no counts.
"""

import base64
import json

from django.db.models import Q, QuerySet
from rest_framework import serializers
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class KeysetPagination(BasePagination):
    field = "published_at"
    descending = True
    cursor_param = "cursor"
    # The changes feed hands out a cursor even at its end: the place to ask from next time.
    always_next = False

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        self.request = request
        size = self._page_size(request)
        raw = request.query_params.get(self.cursor_param)
        self.incoming = raw
        if raw:
            value, pk = self._decode(raw, queryset)
            op = "lt" if self.descending else "gt"
            queryset = queryset.filter(Q(**{f"{self.field}__{op}": value}) | Q(**{self.field: value, f"pk__{op}": pk}))
        order = (f"-{self.field}", "-pk") if self.descending else (self.field, "pk")
        rows = list(queryset.order_by(*order)[: size + 1])
        self.has_more = len(rows) > size
        self.page = rows[:size]
        return self.page

    def _page_size(self, request) -> int:
        raw = request.query_params.get("page_size")
        if raw is None:
            return DEFAULT_PAGE_SIZE
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise serializers.ValidationError({"page_size": f"A whole number from 1 to {MAX_PAGE_SIZE}."})
        return int(raw)

    def _decode(self, raw: str, queryset: QuerySet) -> tuple:
        try:
            value, pk = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
            value = queryset.model._meta.get_field(self.field).to_python(value)
            if value is None or not isinstance(pk, int) or isinstance(pk, bool):
                raise ValueError
            return value, pk
        except Exception as error:
            # A value of the documented type (a string) that names no page: the request is wrong, not the
            # address, so a 400 saying which parameter, as for any other parameter (not DRF's own 404).
            message = "Not a cursor this API handed out: take it from a previous answer's “next”."
            raise serializers.ValidationError({self.cursor_param: [message]}) from error

    def _encode(self, item) -> str:
        value = getattr(item, self.field)
        value = value.isoformat() if hasattr(value, "isoformat") else value
        return base64.urlsafe_b64encode(json.dumps([value, item.pk]).encode()).decode().rstrip("=")

    def next_link(self) -> str | None:
        if self.page and (self.has_more or self.always_next):
            token = self._encode(self.page[-1])
        elif self.always_next:
            token = self.incoming
            if token is None:
                return self.request.build_absolute_uri()
        else:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_param, token)

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "format": "uri",
                    "nullable": True,
                    "description": "The next page; null at the end.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.cursor_param,
                "in": "query",
                "required": False,
                "description": "Where to go on from: taken from a previous answer's `next` (any other value: a 400).",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Items per page, 1 to {MAX_PAGE_SIZE} ({DEFAULT_PAGE_SIZE} if not given).",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
            },
        ]


class NewestStoriesFirst(KeysetPagination):
    field, descending = "published_at", True


class ByName(KeysetPagination):
    field, descending = "name", False


class BySlug(KeysetPagination):
    field, descending = "slug", False


class NewestCorrectionsFirst(KeysetPagination):
    field, descending = "created_at", True


class OldestChangesFirst(KeysetPagination):
    field, descending, cursor_param, always_next = "at", False, "since", True
