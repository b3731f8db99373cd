"""Who may use the desk on which story: exactly what the story admin allows, asked of it, never re-derived."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from articles import workflow
from articles.models import Article


def _story_admin() -> admin.ModelAdmin:
    return admin.site.get_model_admin(Article)


def may_write(request: HttpRequest) -> bool:
    """Whether the user may write stories at all: the add form is theirs, or some change form is."""
    story_admin = _story_admin()
    return story_admin.has_add_permission(request) or story_admin.has_change_permission(request)


def require_writer(request: HttpRequest) -> None:
    if not may_write(request):
        raise PermissionDenied("Only newsroom staff who write stories can use the writing desk.")


def require_new_story(request: HttpRequest) -> None:
    if not _story_admin().has_add_permission(request):
        raise PermissionDenied("You cannot write new stories.")


def changeable_story(request: HttpRequest, pk: int) -> Article:
    """The story ``pk`` if the user may change it in the story form; 404 if there is none, else 403."""
    story = Article.objects.with_bylines().filter(pk=pk).first()
    if story is None:
        raise Http404("No such story.")
    if not _story_admin().has_change_permission(request, story):
        raise PermissionDenied("You cannot change this story.")
    return story


def may_take_over(user, story: Article) -> bool:
    """Editors may take a story over from whoever else has it open."""
    return workflow.is_editor(user) and workflow.can(user, workflow.Action.CHANGE, story)
