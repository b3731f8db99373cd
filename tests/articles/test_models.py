"""The content model: the publication rule, constraints and validation."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Byline, Section, Source
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, image_file

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "published_offset", "visible"),
    [
        (Article.Status.PUBLISHED, timedelta(hours=-1), True),
        (Article.Status.PUBLISHED, timedelta(seconds=0), True),
        (Article.Status.PUBLISHED, timedelta(minutes=1), False),
        (Article.Status.DRAFT, timedelta(hours=-1), False),
        (Article.Status.DRAFT, timedelta(hours=1), False),
        (Article.Status.DRAFT, None, False),
    ],
)
def test_published_is_status_published_and_time_come(world, time_machine, status, published_offset, visible):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    article = ArticleFactory(
        section=world, status=status, published_at=None if published_offset is None else now + published_offset
    )
    assert (article in Article.objects.published()) is visible
    assert article.is_published is visible


def test_a_published_story_must_have_a_publication_time(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(section=world, status=Article.Status.PUBLISHED, published_at=None)


def test_a_social_image_requires_alt_text_in_the_form_and_the_database(world):
    # The lead picture's alt text is the library's, required there (``picture_has_alt_text``).
    article = ArticleFactory.build(section=world, social_image=image_file(), social_image_alt=" ")
    with pytest.raises(ValidationError) as error:
        article.full_clean(exclude=["slug"])
    assert "social_image_alt" in error.value.message_dict
    article.social_image_alt = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


def test_slugs_are_generated_unique_and_keep_non_latin_text(world):
    first = ArticleFactory(title="Kyiv talks", section=world)
    second = ArticleFactory(title="Kyiv talks", section=world)
    cyrillic = ArticleFactory(title="Україна ближче до НАТО", section=world)
    assert (first.slug, second.slug) == ("kyiv-talks", "kyiv-talks-2")
    assert cyrillic.slug == "україна-ближче-до-нато"


def test_body_html_is_rendered_and_sanitized_on_save(world):
    article = ArticleFactory(section=world, body="## Sub\n\n<script>alert(1)</script>[x](javascript:alert(1))")
    assert "<h2>Sub</h2>" in article.body_html
    assert "<script" not in article.body_html and "javascript:" not in article.body_html


def test_bylines_keep_their_order(world):
    first, second, third = AuthorFactory(name="Zed"), AuthorFactory(name="Amy"), AuthorFactory(name="Max")
    article = ArticleFactory(section=world, authors=[first, second, third])
    loaded = Article.objects.with_bylines().get(pk=article.pk)
    assert loaded.byline_authors == [first, second, third]


def test_an_author_is_credited_once_per_story(world, author):
    article = ArticleFactory(section=world, authors=[author])
    with pytest.raises(IntegrityError), transaction.atomic():
        Byline.objects.create(article=article, author=author, position=1)


@pytest.mark.parametrize("slug", ["admin", "authors", "tags", "search", "static", "media", "feeds", "Admin"])
def test_section_slugs_that_collide_with_site_urls_are_refused(db, slug):
    section = Section(name="Clash", slug=slug)
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "is used by another part of the site" in error.value.message_dict["slug"][0]


def test_ordinary_section_slugs_are_accepted(db):
    Section(name="World", slug="world").full_clean()


def test_a_section_cannot_be_its_own_ancestor(db):
    world = SectionFactory(slug="world")
    europe = SectionFactory(slug="europe", parent=world)
    world.parent = europe
    with pytest.raises(ValidationError) as error:
        world.full_clean()
    assert "parent" in error.value.message_dict


def test_section_family_covers_every_depth(db):
    world = SectionFactory(slug="world")
    europe = SectionFactory(slug="europe", parent=world)
    balkans = SectionFactory(slug="balkans", parent=europe)
    SectionFactory(slug="sport")
    assert sorted(world.with_descendant_ids()) == sorted([world.pk, europe.pk, balkans.pk])


def test_sources_and_authors_get_slugs_from_their_names(db):
    assert Source.objects.create(name="Meridian Wire").slug == "meridian-wire"
    assert Author.objects.create(name="Tomás Rivera").slug == "tomás-rivera"


def test_author_links_list_only_what_is_filled_in(db):
    author = AuthorFactory(website="https://a.example/", x_handle="someone", linkedin_url="")
    assert author.links == [("Website", "https://a.example/"), ("X", "https://x.com/someone")]


def test_description_falls_back_to_the_body_when_there_is_no_standfirst(world):
    article = ArticleFactory(section=world, standfirst="", body="Opening words of the story.")
    assert article.description == "Opening words of the story."


def test_description_from_the_body_is_plain_text_without_entities(world):
    article = ArticleFactory(section=world, standfirst="", body="Tom & Jerry: 5 < 6, **bold** <i>claims</i>.")
    assert article.description == "Tom & Jerry: 5 < 6, bold claims."


def test_content_changes_after_publication_are_recorded_as_updates(world):
    published = ArticleFactory(section=world)
    published.note_content_change(["front_page_slot"])
    assert published.revised_at is None
    published.note_content_change(["body"])
    assert published.revised_at is not None
    draft = ArticleFactory(section=world, draft=True)
    draft.note_content_change(["body"])
    assert draft.revised_at is None


def test_uploaded_images_get_random_names_and_their_dimensions(world):
    article = ArticleFactory(section=world, social_image=image_file("secret-source-name.jpg"), social_image_alt="A map")
    assert "secret-source-name" not in article.social_image.name
    assert article.social_image.name.startswith("social/") and article.social_image.name.endswith(".jpg")
    assert (article.social_image_width, article.social_image_height) == (64, 48)


def test_the_python_twin_of_published_agrees_with_the_queryset_over_every_state_and_time(world, time_machine):
    """``Article.visible_at`` and ``live_from`` must say what ``published()`` and ``next_visibility_change`` say."""
    from itertools import product

    now = timezone.now().replace(microsecond=0)
    time_machine.move_to(now, tick=False)
    times = [None, now - timedelta(days=1), now, now + timedelta(hours=1), now + timedelta(days=1)]
    stories = []
    for number, (status, published_at, embargo) in enumerate(product(Article.Status.values, times, times)):
        if status == Article.Status.PUBLISHED and published_at is None:
            continue  # refused by the database's own constraint
        stories.append(
            Article(
                title=f"Story {number}", slug=f"story-{number}", body="Text", section=world,
                status=status, published_at=published_at, embargo_until=embargo,
            )
        )  # fmt: skip
    Article.objects.bulk_create(stories)
    loaded = list(Article.objects.all())
    for moment in [*filter(None, times), now + timedelta(seconds=1), now + timedelta(days=2)]:
        by_queryset = set(Article.objects.published(at=moment).values_list("slug", flat=True))
        by_twin = {article.slug for article in loaded if article.visible_at(moment)}
        assert by_twin == by_queryset, moment
    ahead = [article.live_from for article in loaded if article.live_from and article.live_from > now]
    assert Article.objects.next_visibility_change() == min(ahead)
    assert {article.slug for article in loaded if article.is_published} == set(
        Article.objects.published().values_list("slug", flat=True)
    )


def test_story_and_section_addresses_follow_the_urlconf_and_the_script_prefix(world):
    from django.urls import reverse, set_script_prefix

    from articles.addresses import section_url, story_url

    article = ArticleFactory(section=world, slug="kyiv")
    when = timezone.localtime(article.published_at)
    expected = reverse(
        "articles:story",
        kwargs={"section": "world", "year": when.year, "month": f"{when.month:02d}", "day": f"{when.day:02d}",
                "slug": "kyiv"},
    )  # fmt: skip
    assert article.get_absolute_url() == story_url("world", article.published_at, "kyiv") == expected
    try:
        set_script_prefix("/news/")
        assert section_url("world") == "/news/world/"  # a cached answer never outlives its prefix
    finally:
        set_script_prefix("/")
    assert section_url("world") == "/world/"


def test_a_byline_is_joined_the_same_way_everywhere(world):
    from django.contrib import admin
    from django.template import Context, Template

    from articles.feeds import SiteFeed

    names = ["Ann Lee", "Bo <Chen>", "Cy Diaz"]
    article = ArticleFactory(section=world, authors=[AuthorFactory(name=name) for name in names])
    article = Article.objects.with_bylines().get(pk=article.pk)
    assert article.byline_names == "Ann Lee, Bo <Chen> and Cy Diaz"
    assert SiteFeed().item_author_name(article) == article.byline_names
    assert admin.site._registry[Article].byline(article) == article.byline_names
    rendered = Template("{% load cards %}{% byline article %}").render(Context({"article": article}))
    assert rendered == "Ann Lee, Bo &lt;Chen&gt; and Cy Diaz"
    # A card's story comes with the names alone, in the same order and the same words.
    (card,) = Article.objects.filter(pk=article.pk).cards()
    assert card.byline_names == article.byline_names
