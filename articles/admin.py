from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Article, Byline, Section, Source


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "section", "status", "published_at", "byline", "featured", "updated_at"]
    list_filter = ["status", "featured", "section", "published_at"]
    list_select_related = ["section"]
    search_fields = ["title", "standfirst", "slug"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sources"]
    inlines = [BylineInline]
    readonly_fields = ["created_by", "created_at", "updated_at", "revised_at"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "standfirst", "body"]}),
        ("Placement", {"fields": ["section", "tags", "sources", "featured"]}),
        (
            "Lead image",
            {"fields": ["lead_image", "lead_image_alt", "lead_image_caption", "lead_image_credit"]},
        ),
        ("Publication", {"fields": ["status", "published_at"]}),
        (
            "History",
            {"classes": ["collapse"], "fields": ["created_by", "created_at", "updated_at", "revised_at"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_bylines()

    @admin.display(description="Byline")
    def byline(self, article: Article) -> str:
        return ", ".join(author.name for author in article.byline_authors)

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.note_content_change(form.changed_data)
        super().save_model(request, obj, form, change)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "position"]
    list_editable = ["position"]
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
