"""Story cards on list pages: read as rows (``articles.models.cards``), written in Python (``render_card``),
the same markup as ``templates/includes/story_card.html``, and never behind the story, its authors, its
picture or its section."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from articles import workflow
from articles.models import Article
from articles.models.cards import Card
from articles.templatetags.cards import HEADINGS, IMAGE_SIZES, WITHOUT_STANDFIRST, render_card, story_card
from images.templatetags.pictures import picture
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def template_card(article: Article, *, heading: str, layout: str, snippet: str = "") -> str:
    """The card as the template writes it, from the context the inclusion tag used to give it."""
    sizes = IMAGE_SIZES[layout]
    shown = article.lead if sizes else None
    published = timezone.localtime(article.published_at) if article.published_at else None
    lead = layout == "lead"
    image = (
        picture(
            shown.file, alt=shown.alt, sizes=sizes, loading="eager" if lead else "lazy",
            fetchpriority="high" if lead else "", **{"class": "card__image"},
        )
        if shown
        else ""
    )  # fmt: skip
    months = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return render_to_string(
        "includes/story_card.html",
        {
            "card_class": f"card card--{layout}",
            "heading": heading,
            "image": image,
            "kicker": article.kicker,
            "title": article.title,
            "url": article.get_absolute_url(),
            "standfirst": "" if layout in WITHOUT_STANDFIRST else article.standfirst,
            "byline": article.byline_names,
            "snippet": snippet,
            "published": published and published.isoformat(timespec="seconds"),
            "published_shown": published
            and f"{published.day} {months[published.month]} {published.year}, {published:%H:%M}",
        },
    )


@pytest.mark.parametrize("layout", sorted(IMAGE_SIZES))
def test_a_card_is_written_byte_for_byte_as_its_template_writes_it(world, layout):
    authors = [AuthorFactory(name="Ann <O'Hara>"), AuthorFactory(name="Bo & Co"), AuthorFactory(name="Cy")]
    story = ArticleFactory(
        title='A "quoted" <headline> & more', kicker="Analysis <b>", standfirst="It's <i>that</i> & this.",
        section=world, authors=authors, lead_picture=ImageFactory(alt_text='Alt "text" & <more>'),
    )  # fmt: skip
    plain = ArticleFactory(title="Plain", kicker="", standfirst="", section=world, authors=[])
    snippet = mark_safe("A <mark>found</mark> word")
    for article in (story, plain):
        for heading in HEADINGS:
            (card,) = Article.objects.filter(pk=article.pk).cards()
            expected = template_card(article, heading=heading, layout=layout)
            assert render_card(card, heading=heading, layout=layout) == expected
            # A story as search gives it (an instance with its snippet) is written the same way.
            article.search_snippet = snippet
            with_snippet = template_card(article, heading=heading, layout=layout, snippet=snippet)
            assert story_card(article, heading=heading, layout=layout, show_snippet=True) == with_snippet


def test_a_card_loads_in_two_queries_however_many_stories(world, django_assert_num_queries):
    for _ in range(5):
        ArticleFactory(section=world, authors=[AuthorFactory(), AuthorFactory()], lead_picture=ImageFactory())
    with django_assert_num_queries(2):
        cards = Article.objects.published().newest_first().cards()
    assert len(cards) == 5
    assert all(" and " in card.byline_names for card in cards)
    assert all(isinstance(card, Card) for card in cards)


def test_a_card_equals_its_story(story):
    (card,) = Article.objects.filter(pk=story.pk).cards()
    assert card == story and story == card and hash(card) == hash(story)
    assert card != ArticleFactory(section=story.section)


def section_page(client, section) -> str:
    response = client.get(section.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def assert_cards_follow(client, section, change, *, before: str, after: str) -> None:
    """The section page shows ``before``, and right after ``change()`` shows ``after`` and not ``before``."""
    assert before in section_page(client, section)
    change()
    page = section_page(client, section)
    assert after in page and before not in page


def test_a_renamed_author_is_on_the_cards_at_once(client, world):
    author = AuthorFactory(name="Old Name")
    ArticleFactory(section=world, authors=[author])

    def rename():
        author.name = "New Name"
        author.save()

    assert_cards_follow(client, world, rename, before="By Old Name", after="By New Name")


def test_a_byline_change_is_on_the_cards_at_once(client, world):
    story = ArticleFactory(section=world, authors=[AuthorFactory(name="First Writer")])
    story.authors.add(AuthorFactory(name="Second Writer"), through_defaults={"position": 1})
    story.save()
    assert "By First Writer and Second Writer" in section_page(client, world)


def test_a_new_alt_text_is_on_the_cards_at_once(client, world):
    image = ImageFactory(alt_text="Before the change")
    ArticleFactory(section=world, lead_picture=image)

    def describe():
        image.alt_text = "After the change"
        image.save()

    assert_cards_follow(client, world, describe, before='alt="Before the change"', after='alt="After the change"')


def test_a_picture_whose_licence_ran_out_leaves_the_cards(client, world):
    image = ImageFactory(alt_text="Licensed picture")
    ArticleFactory(section=world, lead_picture=image)
    assert 'alt="Licensed picture"' in section_page(client, world)
    image.licence_expires = timezone.localdate() - datetime.timedelta(days=1)
    image.save()
    assert "Licensed picture" not in section_page(client, world)


def test_a_sections_new_slug_is_in_the_cards_links_at_once(client, world):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    story = ArticleFactory(section=europe, title="Moved story")
    assert f'href="/europe/{timezone.localtime(story.published_at):%Y/%m/%d}/{story.slug}/"' in section_page(
        client, world
    )
    europe.slug = "european-union"
    europe.save()
    page = section_page(client, world)
    assert f'href="/european-union/{timezone.localtime(story.published_at):%Y/%m/%d}/{story.slug}/"' in page
    assert 'href="/europe/' not in page


def test_an_unpublished_story_leaves_the_cards_at_once(client, world, editor):
    story = ArticleFactory(section=world, title="Soon gone")
    ArticleFactory(section=world, title="Staying")
    assert "Soon gone" in section_page(client, world)
    workflow.unpublish(story, editor, reason="Legal")
    page = section_page(client, world)
    assert "Soon gone" not in page and "Staying" in page


def author_page(client, author) -> str:
    response = client.get(author.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_an_author_page_shows_a_story_at_once_when_they_join_its_byline_or_it_is_published(
    client, world, editor, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # the story ids kept for the content generation are what is tested
    author = AuthorFactory(name="Kept Author")
    ArticleFactory(section=world, authors=[author], title="Their first story")
    other = ArticleFactory(section=world, title="Someone else's story")
    draft = ArticleFactory(section=world, title="Their draft", draft=True, authors=[])
    draft.authors.add(author, through_defaults={"position": 0})
    assert "Their first story" in author_page(client, author)
    assert "Someone else" not in author_page(client, author)
    other.authors.add(author, through_defaults={"position": 1})  # a byline on a story readers see
    assert "Someone else&#x27;s story" in author_page(client, author)
    assert "Their draft" not in author_page(client, author)
    draft.status, draft.published_at = Article.Status.PUBLISHED, timezone.now()
    draft.save()
    assert "Their draft" in author_page(client, author)
    other.bylines.filter(author=author).delete()
    assert "Someone else" not in author_page(client, author)


def test_a_card_written_before_is_reused_only_while_nothing_it_shows_changed(world):
    story = ArticleFactory(section=world, title="First headline", lead_picture=ImageFactory())
    (card,) = Article.objects.filter(pk=story.pk).cards()
    first = render_card(card, heading="h3", layout="grid")
    again = render_card(Article.objects.filter(pk=story.pk).cards()[0], heading="h3", layout="grid")
    assert again is first  # kept, not written again
    story.title = "Second headline"
    story.save()
    (edited,) = Article.objects.filter(pk=story.pk).cards()
    assert "Second headline" in render_card(edited, heading="h3", layout="grid")
    assert render_card(edited, heading="h2", layout="grid").startswith('<article class="card card--grid">')
    assert "<h2 " in render_card(edited, heading="h2", layout="grid")
