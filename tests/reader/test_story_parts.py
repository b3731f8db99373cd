"""What a story page stores of other tables (``Article.page_parts``): always what the tables say.

The page reads bylines, tags, sources and corrections from the story's row; every change to them, or to
an author, a tag, a source or an author's photo, writes the stored parts again. Each test changes one
thing and reads the next page, with the page cache off (what is tested is the stored copy).
"""

from datetime import date

import pytest

from articles import workflow
from articles.models import Article, Byline, Correction, Source
from articles.revisions import record_revision, restore
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SourceFactory, UserFactory


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 0


def page(client, story: Article) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def stored(story: Article) -> dict:
    return Article.objects.get(pk=story.pk).page_parts


def test_the_page_reads_the_stored_parts_in_one_query_with_the_story(story, django_assert_num_queries):
    article = Article.objects.published().for_story_page().get(pk=story.pk)
    with django_assert_num_queries(0):
        article.take_page_parts()
        assert [author.name for author in article.byline_authors] == ["David Wyatt"]
        assert article.byline_authors[0].get_absolute_url() == "/authors/david-wyatt/"
        assert article.byline_authors[0].bio == "I am David Wyatt, a journalist."
        assert [tag.name for tag in article.tags_in_order] == ["NATO", "Ukraine"]
        assert article.sources_shown == [] and article.corrections_shown == []


def test_a_renamed_author_shows_on_their_stories(client, story, author):
    assert "David Wyatt" in page(client, story)
    author.name = "David Wyatt-Jones"
    author.bio = "Now on the night desk."
    author.save()
    html = page(client, story)
    assert ">David Wyatt-Jones</a>" in html and "Now on the night desk." in html
    assert '"name": "David Wyatt-Jones"' in html  # the JSON-LD's Person


def test_a_changed_author_photo_shows_on_their_stories(client, story, author):
    author.photo = ImageFactory(alt_text="David at his desk")
    author.save()
    assert 'class="byline__photo"' in page(client, story)
    photo = author.photo
    photo.credit = "Another photographer"
    photo.save()
    assert "Another photographer" in stored(story)["bylines"][0][1]
    author.photo = None
    author.save()
    assert 'class="byline__photo"' not in page(client, story)


def test_bylines_added_removed_and_reordered_show(client, story, author):
    other = AuthorFactory(name="Lena Hoffmann")
    Byline.objects.create(article=story, author=other, position=1)
    assert "By <a" in (html := page(client, story)) and "David Wyatt</a> and <a" in html
    Byline.objects.filter(article=story, author=author).update(position=2)  # bulk: no signal…
    Article.objects.filter(pk=story.pk).refresh_page_parts()  # …so whoever writes in bulk refreshes
    assert "Lena Hoffmann</a> and <a" in page(client, story)
    Byline.objects.get(article=story, author=other).delete()
    assert "Lena Hoffmann" not in page(client, story)


def test_a_renamed_tag_and_tags_added_and_removed_show(client, story):
    tag = story.tags.get(name="NATO")
    tag.name = "North Atlantic alliance"
    tag.save()
    html = page(client, story)
    assert ">North Atlantic alliance</a>" in html and ">NATO</a>" not in html
    story.tags.add("Kyiv")
    story.tags.remove("Ukraine")
    html = page(client, story)
    assert ">Kyiv</a>" in html and ">Ukraine</a>" not in html
    tag.delete()
    assert "North Atlantic alliance" not in page(client, story)


def test_sources_added_renamed_and_removed_show(client, story):
    source = SourceFactory(name="Reuters", url="https://www.reuters.com/")
    story.sources.add(source)
    assert '<a href="https://www.reuters.com/" rel="noopener">Reuters</a>' in page(client, story)
    source.name = "Thomson Reuters"
    source.save()
    assert ">Thomson Reuters</a>" in page(client, story)
    source.articles.clear()
    assert "Thomson Reuters" not in page(client, story)
    source.articles.add(story)
    assert "Thomson Reuters" in page(client, story)
    source.delete()
    assert "Thomson Reuters" not in page(client, story)
    assert not Source.objects.exists()


def test_a_correction_shows_when_added(client, story):
    editor = UserFactory(is_superuser=True, is_staff=True)
    workflow.add_correction(story, editor, kind="correction", note="An earlier version misspelt Kyiv.")
    html = page(client, story)
    assert "An earlier version misspelt Kyiv." in html and '"@type": "CorrectionComment"' in html
    Correction.objects.get().delete()
    assert "misspelt" not in page(client, story)


def test_a_full_save_of_a_story_loaded_earlier_keeps_the_parts_current(client, story):
    loaded_before = Article.objects.get(pk=story.pk)
    story.tags.add("Kyiv")
    loaded_before.title = "Rutte visits Kyiv again"
    loaded_before.save()
    html = page(client, Article.objects.get(pk=story.pk))
    assert "Rutte visits Kyiv again" in html and ">Kyiv</a>" in html


def test_a_restored_revision_restores_the_bylines_stored(world, author):
    draft = ArticleFactory(section=world, authors=[author], draft=True)
    editor = UserFactory(is_superuser=True, is_staff=True)
    revision = record_revision(draft, editor)
    Byline.objects.filter(article=draft).delete()
    Byline.objects.create(article=draft, author=AuthorFactory(name="Somebody Else"))
    assert stored(draft)["bylines"][0][0][1] == "Somebody Else"
    restore(revision, editor)  # the bylines come back in bulk
    assert [byline[0][1] for byline in stored(draft)["bylines"]] == ["David Wyatt"]


def test_a_story_without_stored_parts_reads_the_tables(client, story):
    Article.objects.filter(pk=story.pk).update(page_parts={})  # made in bulk, or before parts were stored
    html = page(client, story)
    assert ">David Wyatt</a>" in html and ">NATO</a>" in html


def test_a_preview_shows_the_bylines_of_an_unpublished_story(client, world, author):
    draft = ArticleFactory(section=world, authors=[author], tags=["Secret tag"], draft=True)
    editor = UserFactory(is_superuser=True, is_staff=True)
    from articles.previews import create_link

    _, token = create_link(draft, editor)
    html = client.get(f"/preview/{token}/").content.decode()
    assert "David Wyatt" in html and "Secret tag" in html


def test_parts_built_from_objects_are_those_read_from_the_tables(world):
    """An imported story is saved with parts built from what it links to (``page_parts.built``)."""
    from articles.models import page_parts

    photographed = AuthorFactory(name="Ann Photo", photo=ImageFactory())
    authors, sources = [photographed, AuthorFactory(name="Bo Plain")], [SourceFactory(name="Zeta"), SourceFactory()]
    story = ArticleFactory(section=world, authors=authors, tags=["Second", "First"], sources=sources)
    tags = list(story.tags_in_order)
    loaded = [type(author).objects.select_related("photo").get(pk=author.pk) for author in authors]
    built = page_parts.built(authors=loaded, tags=tags, sources=sources)
    assert built == page_parts.collect([story.pk])[story.pk] == stored(story)


def test_pictures_in_the_body_show_as_the_library_has_them(client, world, author):
    picture = ImageFactory(alt_text="The old alt text")
    story = ArticleFactory(section=world, authors=[author], body=f"Text.\n\n![](image:{picture.pk})")
    assert 'alt="The old alt text"' in page(client, story)
    picture.alt_text = "The new alt text"
    picture.save()
    assert 'alt="The new alt text"' in page(client, story)
    picture.licence_expires = date(2000, 1, 1)  # run out: shown nowhere
    picture.save()
    assert "The new alt text" not in page(client, story)


def test_a_picture_added_to_the_body_shows(client, world, author):
    story = ArticleFactory(section=world, authors=[author], body="Text.")
    picture = ImageFactory(alt_text="Added later")
    story.body = f"Text.\n\n![](image:{picture.pk})"
    story.save(update_fields=["body"])
    assert 'alt="Added later"' in page(client, story)
    story.body = "Text only."
    story.save()
    assert "Added later" not in page(client, story)


def test_the_page_reads_the_body_pictures_stored(world, author, django_assert_num_queries):
    pictures = ImageFactory.create_batch(2)
    body = "\n\n".join(f"![](image:{picture.pk})" for picture in pictures)
    story = ArticleFactory(section=world, authors=[author], body=body)
    article = Article.objects.for_story_page().get(pk=story.pk)
    with django_assert_num_queries(0):
        article.take_page_parts()
        assert article.body_media.pictures == pictures
