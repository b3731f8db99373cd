"""The publication's own pages (about, contact, privacy, terms…), edited by editors; shown in every footer."""

from django.contrib import admin

from ..models import PublicationPage


@admin.register(PublicationPage)
class PublicationPageAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "position", "updated_at"]
    list_editable = ["position"]
    search_fields = ["title", "body"]
    prepopulated_fields = {"slug": ["title"]}
    fields = ["title", "slug", "description", "body", "position"]
