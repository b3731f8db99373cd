"""The author's page in the admin chooses the photo from the media library, as the story form does."""

import pytest

from authors.models import Author
from tests.factories import AuthorFactory, ImageFactory

pytestmark = pytest.mark.django_db


def author_form(author: Author, **overrides) -> dict:
    data = {
        "name": author.name, "slug": author.slug, "role": author.role, "bio": author.bio, "photo": "",
        "is_active": "on", "email": "", "website": "", "x_handle": "", "mastodon_url": "", "bluesky_url": "",
        "linkedin_url": "", "user": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_an_editor_chooses_an_authors_photo_from_the_library(client, editor):
    author = AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann")
    portrait = ImageFactory(alt_text="Portrait of Lena Hoffmann")
    client.force_login(editor)

    form = client.get(f"/admin/authors/author/{author.pk}/change/").content.decode()
    assert 'name="photo"' in form and "admin-autocomplete" in form and 'type="file"' not in form

    response = client.post(f"/admin/authors/author/{author.pk}/change/", author_form(author, photo=portrait.pk))
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Author.objects.get(pk=author.pk).photo == portrait

    found = client.get(
        "/admin/autocomplete/",
        {"term": "Lena", "app_label": "authors", "model_name": "author", "field_name": "photo"},
    ).json()
    assert [result["id"] for result in found["results"]] == [str(portrait.pk)]
