"""``{% picture %}`` and the pages that use it: srcsets, sizes, dimensions, loading order, escaping."""

import re
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.template import Context, Template, TemplateSyntaxError

from images import renditions
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, camera_photo, image_file
from tests.helpers.images import story_with

pytestmark = pytest.mark.django_db


def render(template: str, **context) -> str:
    return Template("{% load pictures %}" + template).render(Context(context))


def test_picture_tag_lists_every_rendition_with_sizes_and_dimensions(world, committed):
    story = story_with(image_file(size=(1000, 500)), committed, section=world)
    html = render(
        "{% picture story.lead_picture.file alt=story.lead_picture.alt_text "
        'sizes="(min-width: 42rem) 40rem, 100vw" class="hero" %}',
        story=story,
    )
    base = f"/media/{renditions.folder(story.lead_picture.file.name)}"
    webp = ", ".join(f"{base}/{w}w.webp {w}w" for w in (160, 320, 640, 960, 1000))
    jpeg = ", ".join(f"{base}/{w}w.jpg {w}w" for w in (160, 320, 640, 960, 1000))
    assert html == (
        f'<picture><source type="image/webp" srcset="{webp}" sizes="(min-width: 42rem) 40rem, 100vw">'
        f'<img src="{base}/960w.jpg" srcset="{jpeg}" sizes="(min-width: 42rem) 40rem, 100vw" width="960" height="480"'
        ' alt="A picture" class="hero" decoding="async" loading="lazy"></picture>'
    )


def test_every_url_the_tag_gives_is_a_file_that_exists(world, committed):
    story = story_with(camera_photo(), committed, section=world)
    html = render("{% picture story.lead_picture.file %}", story=story)
    urls = re.findall(r"/media/(\S+)", html.replace(",", " ").replace('"', " "))
    assert len(urls) == 2 * 4 + 1
    assert all(default_storage.exists(url) for url in urls)


def test_picture_tag_eager_with_high_priority(world, committed):
    story = story_with(image_file(), committed, section=world)
    html = render('{% picture story.lead_picture.file loading="eager" fetchpriority="high" %}', story=story)
    assert 'fetchpriority="high"' in html and "loading=" not in html


def test_picture_tag_escapes_every_value(world, committed):
    story = story_with(image_file(), committed, section=world)
    html = render(
        "{% picture story.lead_picture.file alt=alt sizes=alt class=alt %}",
        story=story,
        alt='"><script>alert(1)</script>',
    )
    assert "<script>" not in html
    assert 'alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html
    assert 'sizes="&quot;&gt;&lt;script&gt;' in html


def test_picture_tag_refuses_a_mistyped_loading_value(world):
    with pytest.raises(TemplateSyntaxError, match="lazy"):
        render('{% picture nothing loading="lazzy" %}')


def test_picture_tag_renders_nothing_without_an_image(world):
    assert render("{% picture story.lead_picture.file %}", story=ArticleFactory(section=world)) == ""
    assert render("{% picture nothing %}") == ""


def test_picture_tag_renders_nothing_for_a_file_that_is_not_a_picture(world):
    name = default_storage.save("stories/2020/legacy.jpg", BytesIO(b"not an image"))
    picture = ImageFactory(file=name, alt_text="Old")
    assert picture.width is None
    assert render("{% picture picture.file %}", picture=picture) == ""


# --- Pages -----------------------------------------------------------------


def test_front_page_top_story_loads_eagerly_and_the_rest_lazily(client, world, committed):
    story_with(image_file(size=(1600, 1000)), committed, section=world, front_page_slot=1, title="Top")
    story_with(image_file(size=(1600, 1000)), committed, section=world, title="Other")
    html = client.get("/").content.decode()
    top, other = html.split("<picture>")[1:3]
    assert 'fetchpriority="high"' in top and 'loading="lazy"' not in top
    assert 'loading="lazy"' in other and "fetchpriority" not in other
    assert 'class="card__image"' in top and 'width="960" height="600"' in top


def test_story_page_lead_image_is_eager_and_the_author_photo_lazy(client, world, committed):
    with committed():
        author = AuthorFactory(photo=ImageFactory(file=image_file(size=(400, 400))), bio="Writes.")
    story = story_with(image_file(size=(1600, 1000)), committed, section=world, authors=[author])
    html = client.get(story.get_absolute_url()).content.decode()
    byline, lead, photo = html.split("<picture>")[1:4]
    assert 'class="byline__photo"' in byline and 'sizes="2.5rem"' in byline
    assert 'fetchpriority="high"' in lead and 'sizes="(min-width: 42rem) 40rem, calc(100vw - 2rem)"' in lead
    assert 'alt=""' in photo and 'loading="lazy"' in photo and 'sizes="5rem"' in photo


def test_author_pages_show_photos(client, committed):
    with committed():
        portrait = ImageFactory(file=image_file(size=(600, 600)), alt_text="Lena Hoffmann at her desk")
        AuthorFactory(name="Lena Hoffmann", slug="lena-hoffmann", photo=portrait)
    ArticleFactory(authors=[AuthorFactory(slug="other")])
    assert 'sizes="6rem"' in client.get("/authors/").content.decode()
    profile = client.get("/authors/lena-hoffmann/").content.decode()
    assert 'class="profile__photo"' in profile and 'alt="Lena Hoffmann at her desk"' in profile  # the library's


def test_list_pages_with_images_make_no_more_queries(client, world, author, committed, django_assert_num_queries):
    from tests.helpers.pages import LIST_PAGES

    SectionFactory(name="Business", slug="business")  # as in the test those counts come from
    author.photo = ImageFactory(file=image_file())
    with committed():
        author.save()
        for _ in range(3):
            story_with(image_file(), committed, section=world, authors=[author], tags=["NATO"])
    from articles import chrome
    from articles.models import PublicationPage, SectionTree

    for url, expected in LIST_PAGES.items():
        # Each page counted as the first of its generation: nothing kept for the generation (chrome: the footer).
        SectionTree._loaded = PublicationPage._footer = None
        chrome._kept = ("", {})
        with django_assert_num_queries(expected):
            html = client.get(url).content.decode()
        assert "<picture>" in html, url
