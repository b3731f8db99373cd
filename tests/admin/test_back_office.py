"""The back office: every model is manageable in the Django admin."""

import pytest
from django.contrib.auth import get_user_model

from articles import search
from articles.models import Article
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory
from tests.helpers.forms import story_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    user = get_user_model().objects.create_superuser("chief", "chief@example.org", "pw-not-used")
    client.force_login(user)
    client.user = user
    return client


ADMIN_PAGES = [
    "/admin/",
    "/admin/articles/article/",
    "/admin/articles/article/add/",
    "/admin/articles/section/",
    "/admin/articles/section/add/",
    "/admin/articles/source/",
    "/admin/articles/source/add/",
    "/admin/authors/author/",
    "/admin/authors/author/add/",
    "/admin/taggit/tag/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open(editor_client, story, url):
    assert editor_client.get(url).status_code == 200


def test_story_list_shows_useful_columns_and_searches(editor_client, story):
    ArticleFactory(title="Budget talks", section=story.section)
    if search.uses_full_text():
        # The list searches the stored vectors, filled when a save commits (here, by hand).
        search.refresh_search_vectors(Article.objects.all())
    response = editor_client.get("/admin/articles/article/", {"q": "Rutte"})
    html = response.content.decode()
    assert "Rutte visits Kyiv" in html and "Budget talks" not in html
    assert "David Wyatt" in html  # byline column
    assert editor_client.get("/admin/articles/article/", {"status__exact": "draft"}).status_code == 200


def test_story_list_queries_do_not_grow_with_stories(editor_client, world, author, django_assert_max_num_queries):
    ArticleFactory.create_batch(30, section=world, authors=[author, AuthorFactory()])
    with django_assert_max_num_queries(12):
        editor_client.get("/admin/articles/article/")


def test_sources_and_authors_can_be_added_from_thestory_form(editor_client):
    html = editor_client.get("/admin/articles/article/add/").content.decode()
    assert 'id="add_id_sources"' in html  # the “+” that opens a new source in a popup
    assert 'id="add_id_bylines-__prefix__-author"' in html  # the same for each byline row
    assert "data-prepopulated-field" in html or "prepopulated_fields" in html


def test_a_story_is_created_with_byline_tags_sources_and_creator(editor_client, world, author):
    source = SourceFactory(name="korrespondent")
    response = editor_client.post("/admin/articles/article/add/", story_form(world, author, sources=[source.pk]))
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    article = Article.objects.get(slug="ukraine-closer-to-nato")
    assert article.byline_authors == [author]
    assert sorted(article.tags.names()) == ["NATO", "Ukraine"]
    assert list(article.sources.all()) == [source]
    assert article.created_by == editor_client.user
    assert "<h2>NATO membership</h2>" in article.body_html


def test_an_image_without_alt_text_is_refused_with_a_clear_error(editor_client, world, author):
    from tests.factories import image_file

    response = editor_client.post("/admin/articles/article/add/", story_form(world, author, social_image=image_file()))
    assert response.status_code == 200
    assert "Describe the social image for readers who cannot see it." in response.content.decode()
    assert not Article.objects.exists()


def test_a_reserved_section_slug_is_refused_in_the_admin(editor_client):
    response = editor_client.post(
        "/admin/articles/section/add/", {"name": "Admin", "slug": "admin", "description": "", "position": 0}
    )
    assert response.status_code == 200
    assert "is used by another part of the site" in response.content.decode()
