"""Authors' photos on readers' pages: library pictures, loaded with the authors, never one whose licence ran out."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import AuthorFactory, ImageFactory, image_file

pytestmark = pytest.mark.django_db


def test_the_staff_list_loads_every_photo_with_the_authors(client, committed, django_assert_num_queries):
    def portrayed(n: int) -> None:
        with committed():
            for i in range(n):
                photo = ImageFactory(file=image_file(size=(300, 300)), alt_text=f"Portrait {i}")
                AuthorFactory(name=f"Writer {n}-{i}", slug=f"writer-{n}-{i}", photo=photo)

    from articles.models import PublicationPage, SectionTree

    portrayed(1)
    SectionTree._loaded = PublicationPage._footer = None  # each page counted as the first of its generation
    # content generation, section tree, the footer's publication pages, authors with their photos
    with django_assert_num_queries(4) as one:
        first = client.get("/authors/").content.decode()
    portrayed(5)  # a new content generation: the page is rendered again, not served from the page cache
    SectionTree._loaded = PublicationPage._footer = None
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get("/authors/").content.decode()
    assert first.count("<picture>") == 1 and page.count("<picture>") == 6


def test_a_photo_whose_licence_ran_out_is_shown_nowhere(client):
    lapsed = ImageFactory(licence="licensed", licence_expires=timezone.localdate() - datetime.timedelta(days=1))
    author = AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann", photo=lapsed)
    assert author.portrait is None
    stem = lapsed.file.name.rsplit("/", 1)[1].split(".")[0]
    assert stem not in client.get("/authors/lena-hoffmann/").content.decode()
    assert stem not in client.get("/authors/").content.decode()


def test_describing_an_authors_photo_again_refreshes_the_cached_pages_and_an_unused_picture_does_not(committed):
    from pagecache.generation import current_generation

    with committed():
        photo, unused = ImageFactory(), ImageFactory()
        AuthorFactory(photo=photo)
    before = current_generation().number
    with committed():
        unused.alt_text = "Nobody shows this"
        unused.save()
    assert current_generation().number == before
    with committed():
        photo.alt_text = "Portrait, described again"
        photo.save()
    assert current_generation().number != before
