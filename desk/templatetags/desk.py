"""``{% desk_config %}``: what the story form's script needs to know, as a JSON data block."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import json_script
from django.utils.safestring import SafeString

from articles import embeds
from articles.models import Article

from .. import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def desk_config(context: template.Context, story: Article | None) -> SafeString:
    request = context["request"]
    config = {
        "preview_url": reverse("desk:preview"),
        "autosave_seconds": settings.DESK_AUTOSAVE_SECONDS,
        "heartbeat_seconds": settings.DESK_HEARTBEAT_SECONDS,
        "story": None,
        "new_autosave_url": reverse("desk:latest_new_story_autosave"),
        # The script appends "<token>/autosave/" for a new story's form (its own, or one it saved).
        "new_autosave_base": reverse("desk:latest_new_story_autosave").removesuffix("autosave/"),
    }
    if request.user.has_perm("media_library.view_image"):
        # The Picture, Gallery and Embed buttons (static/desk/media.js): the library's chooser, and the
        # providers whose addresses become embeds, named in the Embed dialog.
        config["chooser_url"] = reverse("admin:media_library_image_chooser")
        config["embed_providers"] = [provider.name for provider in embeds.providers()]
    if story is not None and context.get("has_change_permission"):
        config["story"] = story.pk
        config["autosave_url"] = reverse("desk:story_autosave", args=[story.pk])
        config["heartbeat_url"] = reverse("desk:heartbeat", args=[story.pk])
        config["leave_url"] = reverse("desk:leave", args=[story.pk])
        config["take_over_url"] = reverse("desk:take_over", args=[story.pk])
        config["can_take_over"] = permissions.may_take_over(request.user, story)
    return json_script(config, "desk-config")
