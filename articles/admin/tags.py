"""Tags in the back office: editors manage and merge them; journalists see only tags readers or they can see.

Replaces taggit's own admin, whose “Merge selected tags” asked nothing beyond a staff login, created the
tag it was given, and merged only taggit's generic table, not ``TaggedArticle``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.template.response import TemplateResponse
from taggit.models import Tag

from .. import workflow
from ..models import Article
from ..tags import merge_tags

admin.site.unregister(Tag)


class KeepTagForm(forms.Form):
    keep = forms.ModelChoiceField(queryset=Tag.objects.none(), widget=forms.RadioSelect, label="Keep this tag")

    def __init__(self, tags, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["keep"].queryset = tags


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "stories"]
    ordering = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_selected"]

    def get_queryset(self, request: HttpRequest):
        tags = super().get_queryset(request).annotate(story_count=Count("articles_taggedarticle_items", distinct=True))
        if workflow.is_editor(request.user):
            return tags
        # A tag only on hidden stories (another writer's draft, an embargoed scoop) says what they are about.
        visible = workflow.visible_to(request.user, Article.objects.all()).values("pk")
        return tags.filter(Q(articles_taggedarticle_items__content_object__in=visible)).distinct()

    @admin.display(description="stories", ordering="story_count")
    def stories(self, tag: Tag) -> int:
        return tag.story_count

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        if not workflow.is_editor(request.user):
            actions.pop("merge_selected", None)
        return actions

    @admin.action(description="Merge selected tags into one of them")
    def merge_selected(self, request: HttpRequest, queryset):
        if not workflow.is_editor(request.user):
            raise PermissionDenied
        tags = Tag.objects.filter(pk__in=queryset.values("pk")).order_by("name")
        if tags.count() < 2:
            self.message_user(request, "Select at least two tags to merge.", messages.WARNING)
            return None
        form = KeepTagForm(tags, request.POST if "apply" in request.POST else None)
        if form.is_valid():
            keep = form.cleaned_data["keep"]
            merged = [tag for tag in tags if tag.pk != keep.pk]
            self.log_deletions(request, Tag.objects.filter(pk__in=[tag.pk for tag in merged]))
            moved = merge_tags(keep, merged)
            self.message_user(
                request, f"Merged {len(merged)} tag(s) into “{keep}”; {moved} link(s) moved.", messages.SUCCESS
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Merge tags",
            "opts": self.model._meta,
            "form": form,
            "tags": tags,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/taggit/tag/merge.html", context)
