"""The front page: editors' pins, the newest filling the rest, Latest, sections' blocks with no empty slots."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from articles.models import Article, FrontPageSlot
from articles.models.front_page import LATEST_STORIES, SECTION_STORIES, TOP_SLOTS, place_pins
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory

pytestmark = pytest.mark.django_db


def story(title: str, section, *, hours_ago: float, **fields) -> Article:
    return ArticleFactory(
        title=title, section=section, published_at=timezone.now() - timedelta(hours=hours_ago), **fields
    )


def front(client):
    response = client.get("/")
    assert response.status_code == 200
    return response.context["front"], response.content.decode()


def top_titles(page) -> list[str]:
    return [s.title for s in [page.lead, *page.top, *page.headlines] if s is not None]


def test_pinned_stories_take_their_slots_and_the_newest_fill_the_others(client, world):
    for hour in range(12):
        story(f"Newest {hour}", world, hours_ago=hour + 1)
    story("Pinned lead", world, hours_ago=48, front_page_slot=FrontPageSlot.LEAD)
    story("Pinned third", world, hours_ago=72, front_page_slot=3)
    story("Pinned headline", world, hours_ago=96, front_page_slot=7)

    page, html = front(client)

    assert top_titles(page) == [
        "Pinned lead", "Newest 0", "Pinned third", "Newest 1", "Newest 2",
        "Newest 3", "Pinned headline", "Newest 4", "Newest 5",
    ]  # fmt: skip
    assert len(page.top) == 4 and len(page.headlines) == 4
    # Size and position rank them: the lead's card, four with pictures' sizes, then text-only headlines.
    assert html.index("Pinned lead") < html.index("Pinned third") < html.index("Pinned headline")
    assert 'class="card card--lead"' in html and html.count('class="card card--top"') == 4
    assert html.count('class="card card--headline"') >= 4


def test_two_stories_pinned_to_one_slot_the_newer_takes_it_and_the_other_the_next(client, world):
    older = story("Older pin", world, hours_ago=5, front_page_slot=2)
    newer = story("Newer pin", world, hours_ago=3, front_page_slot=2)
    story("Unpinned", world, hours_ago=1)

    page, _ = front(client)

    assert page.lead.title == "Unpinned" and page.top[:2] == [newer, older]
    assert place_pins([(9, 1), (9, 2), (1, 3)]) == {9: 1, 1: 3}  # no slot after the last: not placed


def test_only_stories_readers_see_are_pinned(client, world, editor):
    draft = story("Pinned draft", world, hours_ago=1, draft=True, front_page_slot=1)
    scheduled = story("Pinned for tomorrow", world, hours_ago=-24, front_page_slot=1)
    live = story("Live", world, hours_ago=2, front_page_slot=1)

    page, html = front(client)

    assert page.lead == live
    assert draft.title not in html and scheduled.title not in html
    workflow.unpublish(live, editor, reason="Legal")
    assert Article.objects.get(pk=live.pk).front_page_slot is None  # unpublishing unpins


def test_a_pinned_story_is_not_repeated_below(client, world):
    business = SectionFactory(name="Business", slug="business", position=2)
    lead = story("The lead", business, hours_ago=30, front_page_slot=1)
    for hour in range(TOP_SLOTS + 3):
        story(f"World {hour}", world, hours_ago=hour)

    page, html = front(client)

    shown_at_top = {s.pk for s in [page.lead, *page.top, *page.headlines]}
    below = [s.pk for s in page.latest] + [s.pk for _, stories in page.sections for s in stories]
    assert not shown_at_top & set(below)
    assert html.count(">The lead<") == 1 and lead == page.lead


def test_latest_lists_the_newest_of_every_section_with_their_times(client, world):
    sport = SectionFactory(name="Sport", slug="sport")
    for hour in range(TOP_SLOTS + LATEST_STORIES + 2):
        story(f"Story {hour}", world if hour % 2 else sport, hours_ago=hour)

    page, html = front(client)

    newest_not_at_top = [f"Story {hour}" for hour in range(TOP_SLOTS, TOP_SLOTS + LATEST_STORIES)]
    assert [s.title for s in page.latest] == newest_not_at_top
    latest_html = html[html.index('id="latest-heading"') :]
    latest_html = latest_html[: latest_html.index("</section>")]
    assert latest_html.count("<time datetime=") == LATEST_STORIES


def test_a_section_block_shows_as_many_stories_as_it_has_and_no_empty_slots(client, world):
    science = SectionFactory(name="Science", slug="science", position=1)
    culture = SectionFactory(name="Culture", slug="culture", position=2)
    for hour in range(TOP_SLOTS):  # fill the top with stories from elsewhere
        story(f"Top {hour}", SectionFactory(slug=f"top-{hour}", on_front_page=False), hours_ago=hour, front_page_slot=1)
    story("Only science", science, hours_ago=20)
    for hour in range(SECTION_STORIES + 3):
        story(f"Culture {hour}", culture, hours_ago=30 + hour)

    page, html = front(client)

    blocks = {section.slug: [s.title for s in stories] for section, stories in page.sections}
    assert blocks == {"science": ["Only science"], "culture": [f"Culture {n}" for n in range(SECTION_STORIES)]}
    assert "world" not in blocks  # no stories, no block
    science_block = re.search(r'<section class="section-block section-block--1".*?</section>', html, re.S).group()
    assert science_block.count("<li>") == 1 and "<li></li>" not in html


def test_sections_come_in_the_editors_order_and_a_hidden_section_has_no_block(client, world):
    world.position = 5
    world.save()
    business = SectionFactory(name="Business", slug="business", position=1)
    obituaries = SectionFactory(name="Obituaries", slug="obituaries", position=0, on_front_page=False)
    story("World story", world, hours_ago=40)
    story("Business story", business, hours_ago=30)
    newest = story("Newest obituary", obituaries, hours_ago=1)
    pinned = story("Pinned obituary", obituaries, hours_ago=50, front_page_slot=9)
    for hour in range(TOP_SLOTS + 2):
        story(f"Filler {hour}", business if hour % 2 else world, hours_ago=2 + hour)

    page, html = front(client)

    assert [section.slug for section, _ in page.sections] == ["business", "world"]
    assert 'id="section-obituaries"' not in html
    assert newest not in [page.lead, *page.top, *page.headlines]  # a hidden section never fills the top…
    assert newest in page.latest  # …but its stories are still news
    assert page.headlines[-1] == pinned  # and an editor may still pin one


def test_every_card_has_the_same_anatomy_in_every_layout(client, world):
    author = AuthorFactory(name="Ann Reporter")
    for hour in range(TOP_SLOTS + 3):
        story(
            f"Story {hour}", world, hours_ago=hour, kicker="Analysis", standfirst="The gist.",
            authors=[author], lead_picture=ImageFactory(),
        )  # fmt: skip

    _, html = front(client)

    cards = re.findall(r'<article class="card card--(\w+)">(.*?)</article>', html, re.S)
    assert {layout for layout, _ in cards} == {"lead", "top", "headline", "compact", "grid"}
    for layout, card in cards:
        assert '<p class="kicker">Analysis</p>' in card, layout
        assert 'class="card__title"><a href="' in card, layout
        assert "By Ann Reporter" in card and "<time datetime=" in card, layout
        assert ("<img" in card) == (layout in {"lead", "top", "grid"}), layout
        assert ("The gist." in card) == (layout in {"lead", "grid"}), layout


def test_a_newsroom_without_stories_says_so(client, world):
    _, html = front(client)
    assert "No stories have been published yet." in html


def test_front_page_queries_stay_flat_with_twelve_sections(client, world, author, settings, django_assert_num_queries):
    """Issue 16's newspaper front page keeps issue 15's target: at most 5 queries uncached, 4 here once warm."""
    settings.PAGE_CACHE_SECONDS = 0
    sections = [world] + [SectionFactory(name=f"Section {n}", slug=f"section-{n}", position=n) for n in range(11)]
    for number in range(60):
        story(f"Story {number}", sections[number % 12], hours_ago=number, authors=[author], front_page_slot=(
            number % 9 + 1 if number % 7 == 0 else None
        ), lead_picture=ImageFactory() if number % 3 == 0 else None)  # fmt: skip
    client.get("/")
    # the content generation, the ids (one query of parts), the stories and their byline names
    with django_assert_num_queries(4):
        page, _ = front(client)
    assert len(page.sections) == 12 and len(page.top) == 4 and len(page.headlines) == 4
