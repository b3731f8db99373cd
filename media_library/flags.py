"""Flags on the admin pages of what uses library pictures (stories, authors): whose picture's licence has run out.

Readers are shown no picture whose licence has run out (``Article.lead``, ``Author.portrait``); these flags tell
the newsroom which stories and authors still point at one, so that someone chooses another.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.html import format_html

from .models import Image, licence_expired


def expired_picture_filter(field: str, title: str = "picture licence expired") -> type[admin.SimpleListFilter]:
    """A list filter "Picture licence expired: Yes" on the rows whose ``field`` (a foreign key to a picture) is
    a picture whose licence has run out."""

    class ExpiredPictureFilter(admin.SimpleListFilter):
        parameter_name = f"{field}_licence_expired"

        def lookups(self, request, model_admin):
            return [("yes", "Yes")]

        def queryset(self, request, queryset: QuerySet) -> QuerySet:
            if self.value() == "yes":
                return queryset.filter(licence_expired(f"{field}__"))
            return queryset

    ExpiredPictureFilter.title = title
    return ExpiredPictureFilter


def expired_marker(picture: Image | None) -> str:
    """A column's warning for a row whose picture's licence has run out; nothing otherwise."""
    if picture is None or not picture.licence_expired():
        return ""
    return format_html(
        '<strong class="licence-expired" title="Readers no longer see this picture: choose another one.">'
        "⚠ Picture licence expired {}</strong>",
        picture.licence_expires.isoformat(),
    )
