"""Stories in the back office: the list, the form with its bylines, bulk actions and the workflow panel."""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet, Subquery
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html

from common.posted import posted_text

from .. import revisions, workflow
from ..body_media import picture_warnings
from ..forms import ArticleAdminForm
from ..models import (
    Article,
    BodyPicture,
    Byline,
    Revision,
    Section,
    Transition,
)
from ..workflow import Action, WorkflowError
from . import sharing
from .lists import ArchiveListMixin
from .story_pages import StoryPagesMixin


def shows_expired_picture() -> ExpressionWrapper:
    """Whether a story's lead picture or a picture in its body has a licence that ran out before today."""
    today = timezone.localdate()
    in_body = BodyPicture.objects.filter(article=OuterRef("pk"), image__licence_expires__lt=today)
    return ExpressionWrapper(
        Q(lead_picture__licence_expires__lt=today) | Q(Exists(in_body)), output_field=BooleanField()
    )


class ExpiredPictureFilter(admin.SimpleListFilter):
    """The stories still showing a picture whose licence ran out (readers no longer see it there)."""

    title = "picture licence expired"
    parameter_name = "pictures"

    def lookups(self, request, model_admin):
        return [("expired", "Showing a picture whose licence ran out")]

    def queryset(self, request, queryset):
        if self.value() == "expired":
            return queryset.filter(shows_expired_picture())
        return queryset


class BylineAuthorSelect(AutocompleteSelect):
    """The byline rows' author picker, naming each row's chosen author from names loaded once for all rows.

    Django's picker asks the database for its one chosen author, a query per row: 20 bylines, 20 queries.
    ``names`` (author id → name) is shared by every row's copy of the widget; a value not in it (a row
    added before a refused save) is looked up as Django does.
    """

    names: dict[str, str] = {}

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.names = self.names  # shared, not copied: one dict for the whole formset
        return copy

    def optgroups(self, name: str, value: list, attrs=None) -> list:
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        if not all(pk in self.names for pk in chosen):
            return super().optgroups(name, value, attrs)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        for pk in chosen[:1]:
            options.append(self.create_option(name, pk, self.names[pk], True, len(options)))
        return [(None, options, 0)]


class BylineForm(forms.ModelForm):
    """A byline row. A saved row posted back unchanged is valid as it was saved: checking it again would ask the
    database for its row and its author, three queries a row, on every save of the story."""

    def full_clean(self) -> None:
        instance = self.instance
        if not (self.is_bound and instance.pk is not None and not self.has_changed()):
            super().full_clean()
            return
        self._errors = ErrorDict()
        self.cleaned_data = {name: getattr(instance, name) for name in ("author", "position", "article")}
        self.cleaned_data.update(id=instance, DELETE=False)


class BylineInline(admin.TabularInline):
    model = Byline
    form = BylineForm
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    verbose_name = "author"
    verbose_name_plural = "Byline (in order)"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # Each row shows its byline as text (author on story): both loaded with the rows, not one query a row.
        return super().get_queryset(request).select_related("author", "article")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "author":
            kwargs["widget"] = BylineAuthorSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_formset(self, request: HttpRequest, obj: Article | None = None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        widget = formset.form.base_fields["author"].widget
        widget = getattr(widget, "widget", widget)  # inside the admin's add/change-related wrapper
        # The story's bylines come prefetched with its authors (the admin's queryset is ``with_bylines()``).
        widget.names = {str(author.pk): str(author) for author in obj.byline_authors} if obj else {}
        return formset

    def has_change_permission(self, request, obj=None):
        return obj is None or workflow.can(request.user, Action.CHANGE, obj)

    has_add_permission = has_delete_permission = has_change_permission


# The story form's hidden fields, which a read-only view has no use for.
FORM_MACHINERY = ("opened_version", "restored_from")


@admin.register(Article)
class ArticleAdmin(ArchiveListMixin, StoryPagesMixin, admin.ModelAdmin):
    form = ArticleAdminForm
    # The writing desk's form (desk/): this app's change_form.html plus live preview, counts, autosave, presence.
    change_form_template = "desk/story_form.html"
    list_display = [
        "title", "section", "state", "published_at", "byline", "front_page_slot", "picture_warning", "latest_note",
        "updated_at",
    ]  # fmt: skip
    list_filter = ["status", "front_page_slot", "section", ExpiredPictureFilter, "published_at"]
    list_select_related = ["section", "lead_picture"]  # see get_queryset
    # Only what an index keeps in order: sorting a million headlines would take a second a page.
    sortable_by = ["published_at"]
    search_fields = ["title", "standfirst", "slug"]  # shows the search box; get_search_results does the search
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["section", "sources", "lead_picture"]
    inlines = [BylineInline]
    readonly_fields = [
        "created_by", "created_at", "updated_at", "updated_by", "revised_at", "search_preview", "social_preview",
    ]  # fmt: skip
    actions = ["submit_selected", "publish_selected", "feature_selected", "unfeature_selected"]
    fieldsets = [
        (None, {"fields": ["kicker", "title", "slug", "standfirst", "body", "opened_version", "restored_from"]}),
        ("Placement", {"fields": ["section", "tags", "sources", "front_page_slot"]}),
        (
            "Lead image",
            {
                "fields": ["lead_picture"],
                "description": "Choose the lead picture from the media library (type words of its alt text, "
                "caption, credit or tags); its alt text, caption and credit go with it.",
            },
        ),
        (
            "Search and social",
            {
                "fields": [
                    "seo_title",
                    "meta_description",
                    "search_preview",
                    "social_image",
                    "social_image_alt",
                    "social_preview",
                ],
                "description": "How the story appears in search results and when shared. "
                "Everything here is optional: empty fields use the headline, standfirst and lead image.",
            },
        ),
        ("Publication", {"fields": ["status", "published_at", "embargo_until"]}),
        (
            "History",
            {
                "classes": ["collapse"],
                "fields": ["created_by", "created_at", "updated_by", "updated_at", "revised_at"],
            },
        ),
    ]

    # --- What each person sees and may touch: all of it asked of workflow.py ---

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        latest_note = Transition.objects.filter(article=OuterRef("pk")).exclude(note="").order_by("-at", "-pk")
        # The lead picture joined here: Django's changelist adds ``list_select_related`` only to a queryset
        # that selects nothing related yet, and ``with_bylines()`` already does (the list flags expired ones).
        stories = (
            super()
            .get_queryset(request)
            .with_bylines()
            .select_related("lead_picture")
            .annotate(
                latest_note=Subquery(latest_note.values("note")[:1]), shows_expired_picture=shows_expired_picture()
            )
        )
        return workflow.visible_to(request.user, stories)

    @admin.display(description="Pictures", boolean=False)
    def picture_warning(self, article: Article) -> str:
        if getattr(article, "shows_expired_picture", False):
            return format_html(
                '<strong class="licence-expired" title="{}">⚠ Picture licence expired</strong>',
                "Readers no longer see this picture (lead or in the body): choose another one.",
            )
        return ""

    def render_change_form(self, request: HttpRequest, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and request.method == "GET":
            # Said on the form, where the writer can act on it: readers see nothing in those places.
            lead = obj.lead_picture if obj.lead_picture_id else None
            if lead is not None and lead.licence_expired():
                messages.warning(
                    request,
                    f"The lead picture “{lead}” has a licence that ran out on {lead.licence_expires.isoformat()}: "
                    "readers do not see it. Choose another.",
                )
            for warning in picture_warnings(obj.body_html):
                messages.warning(request, warning)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and workflow.can(request.user, Action.ADD)

    def has_view_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_view_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.VIEW, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_change_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.CHANGE, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        return super().has_delete_permission(request, obj) and (
            obj is None or workflow.can(request.user, Action.DELETE, obj)
        )

    def get_fieldsets(self, request: HttpRequest, obj: Article | None = None) -> list:
        if obj is None or self.has_change_permission(request, obj):
            return self.fieldsets
        # A read-only view has no form to guard against edit conflicts.
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in FORM_MACHINERY]})
            for name, options in self.fieldsets
        ]

    def get_form(self, request: HttpRequest, obj: Article | None = None, change: bool = False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        revision = self.revision_to_load(request, obj)
        if revision is not None:
            # The revision's content as the form's values, unsaved: the editor checks it and publishes with Save.
            restored = {**revisions.form_values(revision), "restored_from": revision.number}
            form = type(form.__name__, (form,), {"restored": restored})
        return form

    def revision_to_load(self, request: HttpRequest, obj: Article | None) -> Revision | None:
        """The revision asked for with ``?restore=<number>`` on a story's form, if this person may restore it."""
        number = request.GET.get("restore", "")
        if request.method != "GET" or obj is None or not number.isdigit():
            return None
        if not workflow.can(request.user, Action.RESTORE, obj):
            return None
        return obj.revisions.filter(number=int(number)).first()

    def get_readonly_fields(self, request: HttpRequest, obj: Article | None = None) -> list[str]:
        # A published story's slug is its address: changed only through "Change the address…", which redirects.
        fixed = ["slug"] if obj is not None and workflow.address_is_fixed(obj) else []
        return [*self.readonly_fields, *sorted(workflow.locked_form_fields(request.user)), *fixed]

    def get_prepopulated_fields(self, request: HttpRequest, obj: Article | None = None) -> dict:
        if obj is not None and workflow.address_is_fixed(obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Article | None:
        article = super().get_object(request, object_id, from_field)
        if article is None and from_field is None and not workflow.is_editor(request.user):
            # Hidden from this person rather than missing: the permission checks then refuse it and say
            # whose story it is, instead of Django's untrue "doesn't exist. Perhaps it was deleted?".
            try:
                article = Article.objects.with_bylines().filter(pk=int(object_id)).first()
            except ValueError:
                article = None
        return article

    def changeform_view(self, request: HttpRequest, object_id=None, form_url="", extra_context=None):
        try:
            if request.method == "POST":
                # Split widgets post "field_0" and "field_1"; they count as the field itself.
                posted = {re.sub(r"_[01]$", "", key) for key in request.POST}
                forged = workflow.locked_form_fields(request.user).intersection(posted)
                if forged:
                    raise WorkflowError(
                        f"You cannot set {', '.join(sorted(forged))} in the story form; use the workflow actions."
                    )
            return super().changeform_view(request, object_id, form_url, extra_context)
        except PermissionDenied as error:
            # A save from a stale tab, or a story that is not this person's: say why and keep the text.
            article = self.get_object(request, unquote(object_id)) if object_id else None
            action = Action.ADD if article is None else Action.CHANGE if request.method == "POST" else Action.VIEW
            return self.refused(request, article, action, reason=str(error), posted=self.typed_text(request))

    @staticmethod
    def typed_text(request: HttpRequest) -> list[tuple[str, str]]:
        """The story form's text fields as posted, with their labels, in the form's order."""
        fields = ArticleAdminForm.base_fields
        return [
            ("Note" if name == "note" else str(fields[name].label or name), value)
            for name, value in posted_text(request)
            if name == "note" or (name in fields and isinstance(fields[name], forms.CharField))
        ]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        initial = super().get_changeform_initial_data(request)
        section = Section.objects.order_by("position").first()
        if section and "section" not in initial:
            initial["section"] = section.pk
        return initial

    # --- Saving: creator, updated-by, “Updated” stamp, default byline, revision ---

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        obj.note_content_change(form.changed_data)
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        article = form.instance
        own_author = getattr(request.user, "author", None)
        if not change and own_author is not None and not article.bylines.exists():
            # A journalist's story carries their byline unless they credit someone else.
            Byline.objects.create(article=article, author=own_author, position=0)
        restored_from = form.cleaned_data.get("restored_from")
        note = "Created" if not change else f"Restored from revision {restored_from}" if restored_from else ""
        revisions.record_revision(article, request.user, note=note)

    def delete_model(self, request: HttpRequest, obj: Article) -> None:
        workflow.require(request.user, Action.DELETE, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        refused = [article.title for article in queryset if not workflow.can(request.user, Action.DELETE, article)]
        if refused:
            raise WorkflowError(f"You may not delete: {'; '.join(refused)}.")
        super().delete_queryset(request, queryset)

    def response_add(self, request: HttpRequest, obj: Article, post_url_continue=None) -> HttpResponse:
        return self._then_workflow(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Article) -> HttpResponse:
        return self._then_workflow(request, obj) or super().response_change(request, obj)

    # --- The story form's previews ---

    @admin.display(description="Search result")
    def search_preview(self, article: Article) -> str:
        return sharing.search_preview(article)

    @admin.display(description="Social card")
    def social_preview(self, article: Article) -> str:
        return sharing.social_card_preview(article)

    # --- List columns ---

    @admin.display(description="Byline")
    def byline(self, article: Article) -> str:
        return article.byline_names

    @admin.display(description="State", ordering="status")
    def state(self, article: Article) -> str:
        return article.state_label

    @admin.display(description="Latest note")
    def latest_note(self, article: Article) -> str:
        return article.latest_note or ""

    # --- Bulk actions: the same rules, story by story ---

    def _bulk(self, request: HttpRequest, queryset: QuerySet, verb: str, apply) -> None:
        done, refused = 0, []
        for article in queryset:
            try:
                apply(article)
                done += 1
            except WorkflowError as error:
                refused.append(f"“{article.title}”: {error}")
        if done:
            self.message_user(request, f"{verb}: {done} {'story' if done == 1 else 'stories'}.", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not {verb.lower()} {reason}", messages.ERROR)

    @admin.action(description="Submit selected stories for review")
    def submit_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Submitted", lambda a: workflow.submit(a, request.user))

    @admin.action(description="Approve and publish selected stories now")
    def publish_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Published", lambda a: workflow.publish(a, request.user))

    @admin.action(description="Pin selected stories to the front page (first free slots)")
    def feature_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        def pin(article: Article) -> workflow.Outcome:
            slot = Article.objects.free_front_page_slot()
            if slot is None:
                raise WorkflowError("every slot of the front page is taken: unpin a story first.")
            return workflow.pin_to_front_page(article, request.user, slot=slot)

        self._bulk(request, queryset, "Pinned", pin)

    @admin.action(description="Take selected stories off the front page's top stories")
    def unfeature_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._bulk(request, queryset, "Unpinned", lambda a: workflow.pin_to_front_page(a, request.user, slot=None))

    # Each bulk action and the workflow step it takes, offered only to whoever the workflow lets take it.
    BULK_ACTIONS = {
        "submit_selected": Action.SUBMIT,
        "publish_selected": Action.PUBLISH,
        "feature_selected": Action.FEATURE,
        "unfeature_selected": Action.FEATURE,
    }

    def get_actions(self, request: HttpRequest) -> dict:
        actions = super().get_actions(request)
        for name, action in self.BULK_ACTIONS.items():
            if not workflow.can(request.user, action):
                actions.pop(name, None)
        return actions
