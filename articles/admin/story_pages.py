"""The story admin's own pages: workflow action pages, preview, revisions, restore, import, revoking links."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse

from audit.log import record
from audit.models import Event
from common.posted import copyable

from .. import previews, revisions, workflow
from ..forms import ImportStoriesForm, WorkflowActionForm
from ..ingest.importer import Format, Importer, Outcome
from ..models import (
    Article,
    PreviewLink,
    Revision,
)
from ..views import render_story
from ..workflow import Action, WorkflowError
from .steps import ACTION_LABELS, NOTE_IN_DIALOG, ONE_STEP, SAVE_AND_LABELS, STEPS


class StoryPagesMixin:
    """The pages ``ArticleAdmin`` adds beside Django's list and form; every step asks ``workflow`` first."""

    # --- The story page's workflow panel, action pages, previews and revisions ---

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_article_import"),
            path("<int:pk>/workflow/<str:action>/", view(self.workflow_view), name="articles_article_workflow"),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path("<int:pk>/revisions/", view(self.revisions_view), name="articles_article_revisions"),
            path(
                "<int:pk>/revisions/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path(
                "<int:pk>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_link_view),
                name="articles_article_revoke_link",
            ),
            *super().get_urls(),
        ]

    def _story_for(self, request: HttpRequest, pk: int, action: Action = Action.VIEW) -> Article:
        article = get_object_or_404(Article.objects.with_bylines(), pk=pk)
        workflow.require(request.user, action, article)
        return article

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            editable = self.has_change_permission(request, obj)
            history = workflow.can(user, Action.HISTORY, obj)
            context.update(
                workflow_state=obj.state_label,
                workflow_actions=[
                    self._button(action, label, editable)
                    for action, label in ACTION_LABELS.items()
                    if workflow.can(user, action, obj) and not (editable and action == Action.SUBMIT)
                ],
                can_feature=workflow.can(user, Action.FEATURE, obj),
                timeline=list(obj.transitions.select_related("actor").order_by("-at", "-pk")) if history else [],
                can_read_history=history,
                corrections=obj.corrections.select_related("created_by"),
                revision_count=obj.revisions.count() if history else 0,
                restoring=self.revision_to_load(request, obj),
                preview_links=obj.preview_links.select_related("created_by").prefetch_related("uses")[:20]
                if workflow.is_editor(user)
                else [],
            )
        context["can_submit"] = workflow.can(request.user, Action.SUBMIT, obj) if obj else True
        return super().render_change_form(request, context, add, change, form_url, obj)

    @staticmethod
    def _button(action: Action, label: str, editable: bool) -> dict:
        """How the story form offers ``action``: saving first where the form can be saved (``_then_workflow``)."""
        if action in NOTE_IN_DIALOG and editable:
            kind = "dialog"
        elif action in ONE_STEP:
            kind = "save_and_act" if editable else "act"
        else:
            kind = "page"
        return {
            "action": action,
            "label": SAVE_AND_LABELS.get(action, label) if editable else label,
            "kind": kind,
            "note_label": WorkflowActionForm.NOTE_REQUIRED.get(action, ""),
        }

    def _then_workflow(self, request: HttpRequest, obj: Article) -> HttpResponse | None:
        """After the story form is saved: take the workflow action its button asked for, in the same step."""
        try:
            action = Action(request.POST.get("_workflow", ""))
        except ValueError:
            return None
        if action not in ONE_STEP | NOTE_IN_DIALOG:
            return HttpResponseRedirect(reverse("admin:articles_article_workflow", args=[obj.pk, action]))
        try:
            message = self._perform(request, obj, action, {"note": request.POST.get("note", "")})
        except WorkflowError as error:
            # The text is saved; only the step was refused (a note missing, a colleague quicker): say why.
            refused = ACTION_LABELS[action].rstrip("…")
            self.message_user(request, f"Your changes are saved; “{refused}” was refused: {error}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[obj.pk]))
        return self._done(request, obj, f"Saved. {message}")

    def refused(
        self, request: HttpRequest, article: Article | None, action: Action, *, reason: str = "", posted=()
    ) -> HttpResponse:
        """A refusal a real user can meet (a stale tab, a button on a stale page, another writer's draft):
        the reason in words, naming who did what and when, and whatever they typed, to copy. Status 403."""
        reason = reason or workflow.refusal(request.user, action, article) or "You do not have permission to do this."
        context = {
            **self.admin_site.each_context(request),
            "title": "Not saved" if posted else "Not allowed",
            "subtitle": article.title if article else None,
            "opts": self.opts,
            "original": article,
            "reason": reason,
            "can_open": article is not None and workflow.can(request.user, Action.VIEW, article),
            "posted": copyable(posted),
            "posted_heading": "Your text was not saved; copy it from here",
            "posted_intro": "Everything you typed is below. Copy what you need, open the story as it is now, "
            "and apply your changes there once you may.",
        }
        return TemplateResponse(request, "admin/articles/article/refused.html", context, status=403)

    def workflow_view(self, request: HttpRequest, pk: int, action: str) -> HttpResponse:
        try:
            action = Action(action)
        except ValueError:
            raise Http404("No such workflow action.") from None
        if action == Action.IMPORT:
            raise Http404("Importing has its own page.")
        article = get_object_or_404(Article.objects.with_bylines(), pk=pk)
        typed = [
            (label, request.POST[name]) for name, label in (("note", "Note"),) if request.POST.get(name, "").strip()
        ]
        if not workflow.can(request.user, Action.VIEW, article):
            return self.refused(request, article, Action.VIEW, posted=typed)
        if action == Action.FEATURE:
            if request.method != "POST":
                raise PermissionDenied
            slot = request.POST.get("slot", "")
            if slot and not slot.isdigit():
                raise PermissionDenied  # only a forged form sends anything else
            outcome = workflow.pin_to_front_page(article, request.user, slot=int(slot) if slot else None)
            return self._done(request, article, outcome.message)
        reason = workflow.refusal(request.user, action, article)
        if reason:
            if not workflow.is_editor(request.user):
                return self.refused(request, article, action, reason=reason, posted=typed)
            # An editor may do anything a story's state allows, so this is a race (another editor
            # unpublished it first) or a stale page: say why, on the story, rather than "Forbidden",
            # with the note they typed.
            unused = f" Your note was not used: “{typed[0][1]}”" if typed else ""
            self.message_user(request, reason + unused, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:articles_article_change", args=[article.pk]))
        form = WorkflowActionForm(action, request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                message = self._perform(request, article, action, data)
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                return self._done(request, article, message)
        context = {
            **self.admin_site.each_context(request),
            "title": ACTION_LABELS.get(action, action).rstrip("…"),
            "subtitle": article.title,
            "opts": self.opts,
            "original": article,
            "form": form,
            "action": action,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/workflow_action.html", context)

    def _perform(self, request: HttpRequest, article: Article, action: Action, data: dict) -> str:
        step = STEPS.get(action)
        if step is None:
            raise WorkflowError("This action is not available here.")
        return step(request, article, data)

    def _done(self, request: HttpRequest, article: Article, message: str) -> HttpResponse:
        self.log_change(request, article, message)
        self.message_user(request, message, messages.SUCCESS)
        target = "admin:articles_article_change" if self.has_view_permission(request, article) else None
        return HttpResponseRedirect(reverse(target, args=[article.pk]) if target else reverse("admin:index"))

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> HttpResponse:
        """Django's change history (who saved what, with each step's message) follows the same rule."""
        self._story_for(request, int(object_id), Action.HISTORY)
        return super().history_view(request, object_id, extra_context)

    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._story_for(request, pk)
        banner = "Preview — this story is live" if article.is_published else "Preview — not published"
        return render_story(request, article, preview=banner)

    def revisions_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        article = self._story_for(request, pk, Action.HISTORY)
        history = list(article.revisions.select_related("created_by"))
        changes, older, newer = None, None, None
        numbers = {revision.number: revision for revision in history}
        try:
            a, b = int(request.GET.get("a", 0)), int(request.GET.get("b", 0))
        except ValueError:
            a = b = 0
        if a in numbers and b in numbers:
            older, newer = sorted([numbers[a], numbers[b]], key=lambda revision: revision.number)
            changes = revisions.compare(older, newer)
        elif len(history) >= 2:
            newer, older = history[0], history[1]
            changes = revisions.compare(older, newer)
        context = {
            **self.admin_site.each_context(request),
            "title": "Revisions",
            "subtitle": article.title,
            "opts": self.opts,
            "original": article,
            "history": history,
            "older": older,
            "newer": newer,
            "changes": changes,
            "can_restore": workflow.can(request.user, Action.RESTORE, article),
        }
        return TemplateResponse(request, "admin/articles/article/revisions.html", context)

    def restore_view(self, request: HttpRequest, pk: int, number: int) -> HttpResponse:
        """Show what restoring a revision will change and ask; then restore a draft, or load a published
        story's revision into the form for an editor to publish with Save."""
        article = self._story_for(request, pk, Action.RESTORE)
        revision = get_object_or_404(Revision, article=article, number=number)
        directly = revisions.restores_directly(article)
        if request.method == "POST":
            if not directly:
                form_url = reverse("admin:articles_article_change", args=[article.pk])
                return HttpResponseRedirect(f"{form_url}?restore={revision.number}")
            new = revisions.restore(revision, request.user)
            return self._done(request, article, f"Restored revision {number} as revision {new.number}.")
        context = {
            **self.admin_site.each_context(request),
            "title": f"Restore revision {revision.number}?",
            "subtitle": article.title,
            "opts": self.opts,
            "original": article,
            "revision": revision,
            "changes": revisions.compare_content(revisions.snapshot(article), revision.content),
            "directly": directly,
            "not_loaded": [] if directly else revisions.not_loaded(revision, article),
        }
        return TemplateResponse(request, "admin/articles/article/restore.html", context)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": workflow.can(request.user, Action.IMPORT)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Editors upload stories (plain text, ninjs, feeds); each item is reported, with a link to its story."""
        workflow.require(request.user, Action.IMPORT)
        form = ImportStoriesForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            importer = Importer(
                section=form.cleaned_data["section"], user=request.user, fmt=Format(form.cleaned_data["format"])
            )
            for upload in form.cleaned_data["files"]:
                importer.import_upload(upload)
            report = importer.report
            record(request, Event.IMPORT_RUN, target=form.cleaned_data["section"], details=report.summary())
            for result in report.results:
                if result.outcome == Outcome.CREATED:
                    self.log_addition(request, result.article, f"Imported from {result.label}.")
                elif result.outcome == Outcome.UPDATED:
                    self.log_change(request, result.article, f"Updated from {result.label}.")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import stories",
            "opts": self.opts,
            "form": form,
            "report": report,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/articles/article/import.html", context)

    def revoke_link_view(self, request: HttpRequest, pk: int, link_id: int) -> HttpResponse:
        if request.method != "POST":
            raise PermissionDenied
        article = self._story_for(request, pk, Action.PREVIEW_LINK)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        previews.revoke_link(link, request.user)
        return self._done(request, article, "Preview link revoked.")
