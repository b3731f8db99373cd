"""Sections and sources: the paper's structure, managed by editors."""

from django.contrib import admin
from django.db import models

from ..models import (
    Section,
    Source,
)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position", "on_front_page"]
    # The front page's order and blocks are set from the list, the way editors think of them: all at once.
    list_editable = ["position", "on_front_page"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "url"]
    list_filter = ["kind"]
    search_fields = ["name", "url"]
    prepopulated_fields = {"slug": ["name"]}
