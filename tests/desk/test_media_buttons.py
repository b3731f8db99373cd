"""The story form's Picture, Gallery and Embed buttons: what the desk's script is told to offer them."""

import json
import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories import staff_user

pytestmark = pytest.mark.django_db


def desk_config(client, url: str) -> dict:
    page = client.get(url).content.decode()
    found = re.search(r'<script id="desk-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_story_form_loads_the_media_script_before_the_desk(as_user, journalist, own_draft):
    page = as_user(journalist).get(reverse("admin:articles_article_change", args=[own_draft.pk])).content.decode()
    assert page.index("desk/media.js") < page.index("desk/desk.js")


@pytest.mark.parametrize("who", ["journalist", "editor"])
def test_the_newsroom_gets_the_chooser_and_the_embed_providers(request, as_user, who):
    config = desk_config(as_user(request.getfixturevalue(who)), reverse("admin:articles_article_add"))
    assert config["chooser_url"] == reverse("admin:media_library_image_chooser")
    assert "YouTube" in config["embed_providers"]


def test_without_the_library_no_media_buttons(as_user):
    # Someone who may write but not see the library: the three buttons would only lead to a refusal.
    writer = staff_user("writer", None)
    writer.user_permissions.add(*Permission.objects.filter(codename__in=["add_article", "view_article"]))
    config = desk_config(as_user(writer), reverse("admin:articles_article_add"))
    assert "chooser_url" not in config and "embed_providers" not in config
