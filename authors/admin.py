from django.contrib import admin
from django.db import models

from media_library.flags import expired_marker, expired_picture_filter

from .models import Author


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "role", "user", "is_active", "photo_flag"]
    list_filter = ["is_active", expired_picture_filter("photo", "photo licence expired")]
    list_select_related = ["user", "photo"]
    search_fields = ["name", "role", "email"]
    prepopulated_fields = {"slug": ["name"]}
    # The photo is chosen from the media library, as a story's lead picture is: type words of its alt text,
    # caption, credit or tags.
    autocomplete_fields = ["user", "photo"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "role", "bio", "photo", "is_active"]}),
        (
            "Contact and links",
            {"fields": ["email", "website", "x_handle", "mastodon_url", "bluesky_url", "linkedin_url"]},
        ),
        ("Account", {"fields": ["user"]}),
    ]

    @admin.display(description="Photo")
    def photo_flag(self, author: Author) -> str:
        return expired_marker(author.photo)
