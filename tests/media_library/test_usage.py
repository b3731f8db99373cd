"""Where a picture is used: its page lists the stories and authors using it, a picture in use cannot be deleted,
and stories and authors whose picture's licence has run out are flagged in the admin (issue 12)."""

import datetime

import pytest
from django.db.models import ProtectedError
from django.utils import timezone

from media_library.models import Image, Licence
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

pytestmark = pytest.mark.django_db


def yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def used(world):
    """A picture two stories lead with and an author's photo is."""
    picture = ImageFactory(alt_text="The harbour at dawn")
    stories = [ArticleFactory(title=f"Harbour story {n}", section=world, lead_picture=picture) for n in (1, 2)]
    author = AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann", photo=picture)
    return picture, stories, author


def test_usages_lists_stories_then_authors_in_one_query_per_kind(used, django_assert_num_queries):
    picture, stories, author = used
    ImageFactory(alt_text="Unused")
    with django_assert_num_queries(3):  # lead pictures, bodies, authors' photos
        usages = picture.usages()
    assert [(use.kind, use.holder) for use in usages] == [
        ("lead picture", stories[0]),
        ("lead picture", stories[1]),
        ("author's photo", author),
    ]
    assert usages[0].admin_url() == f"/admin/articles/article/{stories[0].pk}/change/"
    assert usages[2].admin_url() == f"/admin/authors/author/{author.pk}/change/"


def test_the_pictures_page_lists_where_it_is_used_with_links(editor_client, used):
    picture, stories, author = used
    page = editor_client.get(f"/admin/media_library/image/{picture.pk}/change/").content.decode()
    assert "Used in" in page
    for story in stories:
        assert f'<a href="/admin/articles/article/{story.pk}/change/">{story.title}</a>' in page
    assert f'<a href="/admin/authors/author/{author.pk}/change/">Lena Hoffmann</a>' in page
    unused = ImageFactory()
    assert "Nowhere yet" in editor_client.get(f"/admin/media_library/image/{unused.pk}/change/").content.decode()


def test_a_picture_in_use_cannot_be_deleted_and_the_editor_is_told_where_it_is_used(editor_client, used):
    picture, stories, author = used
    with pytest.raises(ProtectedError):
        Image.objects.filter(pk=picture.pk).delete()

    response = editor_client.post(f"/admin/media_library/image/{picture.pk}/delete/", {"post": "yes"}, follow=True)

    assert Image.objects.filter(pk=picture.pk).exists()
    message = str(next(iter(response.context["messages"])))
    assert "“The harbour at dawn” cannot be deleted: it is in use" in message
    assert f'<a href="/admin/articles/article/{stories[0].pk}/change/">Harbour story 1</a> (lead picture)' in message
    assert f'<a href="/admin/authors/author/{author.pk}/change/">Lena Hoffmann</a> (author&#x27;s photo)' in message
    assert response.redirect_chain[-1][0] == f"/admin/media_library/image/{picture.pk}/change/"


def test_a_picture_nothing_uses_is_deleted_as_usual(editor_client):
    unused = ImageFactory()
    assert editor_client.get(f"/admin/media_library/image/{unused.pk}/delete/").status_code == 200
    editor_client.post(f"/admin/media_library/image/{unused.pk}/delete/", {"post": "yes"})
    assert not Image.objects.filter(pk=unused.pk).exists()


def test_deleting_pictures_in_bulk_names_those_in_use(editor_client, used):
    picture, stories, _ = used
    response = editor_client.post(
        "/admin/media_library/image/", {"action": "delete_selected", "_selected_action": [picture.pk]}
    )
    page = response.content.decode()
    assert "would require deleting the following protected related objects" in page
    assert stories[0].title in page and Image.objects.filter(pk=picture.pk).exists()


def test_stories_and_authors_whose_picture_licence_ran_out_are_flagged(editor_client, world):
    lapsed = ImageFactory(licence=Licence.LICENSED, licence_expires=yesterday())
    flagged = ArticleFactory(title="Lapsed lead", section=world, lead_picture=lapsed)
    ArticleFactory(title="Fine lead", section=world, lead_picture=ImageFactory())
    AuthorFactory(name="Lapsed Portrait", slug="lapsed-portrait", photo=lapsed)
    AuthorFactory(name="Fine Portrait", slug="fine-portrait", photo=ImageFactory())

    stories = editor_client.get("/admin/articles/article/").content.decode()
    assert stories.count("⚠ Picture licence expired") == 1 and "Picture licence expired" in stories
    filtered = editor_client.get("/admin/articles/article/?pictures=expired")
    assert [story.pk for story in filtered.context["cl"].result_list] == [flagged.pk]

    authors = editor_client.get("/admin/authors/author/").content.decode()
    assert authors.count("⚠ Picture licence expired") == 1
    filtered = editor_client.get("/admin/authors/author/?photo_licence_expired=yes")
    assert [author.name for author in filtered.context["cl"].result_list] == ["Lapsed Portrait"]


def test_the_story_list_flags_cost_no_query_per_story(editor_client, world, django_assert_max_num_queries):
    lapsed = ImageFactory(licence=Licence.LICENSED, licence_expires=yesterday())
    ArticleFactory(section=world, lead_picture=lapsed)
    with django_assert_max_num_queries(30) as one:
        editor_client.get("/admin/articles/article/")
    for _ in range(5):
        ArticleFactory(section=world, lead_picture=ImageFactory(licence_expires=yesterday()))
    with django_assert_max_num_queries(len(one.captured_queries)):
        editor_client.get("/admin/articles/article/")
