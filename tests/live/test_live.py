"""Live coverage (issue 19): the posts' one visibility rule, who may post, the live page, its update
endpoint, permalinks, the cache, structured data, the desk's posting form and the demo."""

import hashlib
import re
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.templatetags.static import static
from django.test import Client
from django.urls import reverse
from django.utils import dateformat, timezone

from articles import workflow as story_workflow
from articles.models import Article, Transition
from articles.templatetags.page_metadata import CARD
from live import workflow
from live.invalidation import scope_name
from live.models import LiveCoverage, LivePost, LivePostRevision
from live.views import POSTS_PER_PAGE
from pagecache.models import ContentGeneration
from pagecache.scopes import scope_token
from tests.factories import ArticleFactory, ImageFactory
from tests.reader.test_structured_data import Head

pytestmark = pytest.mark.django_db

# The live page's first page, uncached: the generation and the story's scope, the story as for any story
# (its bylines, tags, sources and corrections stored with it: Article.page_parts), then the posts' count,
# page and authors, the key events and the pinned post: the same for 2 posts or 22.
LIVE_PAGE_QUERIES = 8


class Page(HTMLParser):
    """A page's links and buttons, each with its text, and the cells of its table rows (as text)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links, self.buttons, self.rows = [], [], []
        self._open: list[tuple[str, dict, list]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "button", "tr", "td"):
            self._open.append((tag, dict(attrs), []))
        if tag == "tr":
            self.rows.append([])

    def handle_data(self, data):
        for _tag, _attrs, text in self._open:
            text.append(data)

    def handle_endtag(self, tag):
        if not self._open or self._open[-1][0] != tag:
            return
        _tag, attrs, parts = self._open.pop()
        text = " ".join("".join(parts).split())
        if tag == "a":
            self.links.append((text, attrs.get("href")))
        elif tag == "button":
            self.buttons.append((text, attrs))
        elif tag == "td" and self.rows:
            self.rows[-1].append(text)


def links_of(response, text: str) -> list[str]:
    return [href for label, href in Page(response.content.decode()).links if label == text]


def post(coverage, user, body="A post.", **fields) -> LivePost:
    return workflow.add_post(coverage, user, body=body, **fields)


def generation() -> int:
    return ContentGeneration.objects.get(pk=1).number


# --- The one rule --------------------------------------------------------------------------------


def test_public_posts_are_published_posts_on_stories_readers_see(coverage, editor, journalist):
    shown = post(coverage, editor, "Shown")
    waiting = post(coverage, journalist, "Waiting")
    hidden_story = LiveCoverage.objects.create(
        article=ArticleFactory(title="A draft live story", draft=True, section=coverage.article.section)
    )
    on_hidden_story = post(hidden_story, editor, "On a draft")
    assert waiting.status == LivePost.Status.PENDING
    assert on_hidden_story.status == LivePost.Status.PUBLISHED
    assert list(LivePost.objects.public()) == [shown]
    workflow.delete_post(shown, editor)
    assert not LivePost.objects.public().exists()


# --- Who may post ---------------------------------------------------------------------------------


def test_journalists_on_the_byline_wait_for_approval_unless_an_editor_allowed_direct_posting(
    coverage, journalist, editor
):
    assert post(coverage, journalist).status == LivePost.Status.PENDING
    coverage.direct_posting = True
    coverage.save()
    assert post(coverage, journalist).status == LivePost.Status.PUBLISHED


def test_direct_posting_needs_the_story_published(coverage, journalist):
    coverage.direct_posting = True
    coverage.save()
    Article.objects.filter(pk=coverage.pk).update(status=Article.Status.DRAFT, published_at=None)
    coverage.article.refresh_from_db()
    assert post(coverage, journalist).status == LivePost.Status.PENDING


def test_journalists_off_the_byline_cannot_post(coverage, other_journalist):
    with pytest.raises(workflow.WorkflowError):
        post(coverage, other_journalist)
    assert not LivePost.objects.exists()


def test_only_editors_pin_approve_and_close(coverage, journalist, editor):
    with pytest.raises(workflow.WorkflowError):
        post(coverage, journalist, pinned=True)
    waiting = post(coverage, journalist)
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(waiting, journalist)
    with pytest.raises(workflow.WorkflowError):
        workflow.close(coverage, journalist)
    approved = workflow.approve(waiting, editor)
    assert approved.status == LivePost.Status.PUBLISHED
    workflow.close(coverage, editor)
    assert coverage.ended_at is not None


def test_a_journalist_may_change_their_waiting_post_but_not_once_published(coverage, journalist, editor):
    waiting = post(coverage, journalist, "Frist")
    workflow.edit_post(waiting, journalist, body="First")
    workflow.approve(waiting, editor)
    with pytest.raises(workflow.WorkflowError):
        workflow.edit_post(waiting, journalist, body="Changed after approval")
    with pytest.raises(workflow.WorkflowError):
        workflow.delete_post(waiting, journalist)


def test_pinning_a_post_unpins_the_other(coverage, editor):
    first = post(coverage, editor, pinned=True)
    second = post(coverage, editor, pinned=True)
    first.refresh_from_db()
    assert (first.pinned, second.pinned) == (False, True)


# --- Records ---------------------------------------------------------------------------------------


def test_editing_and_deleting_a_published_post_are_recorded_on_the_timeline(coverage, editor):
    shown = post(coverage, editor, "Before")
    workflow.edit_post(shown, editor, body="After")
    number = shown.pk
    workflow.delete_post(shown, editor)
    actions = list(
        LivePostRevision.objects.filter(post_number=number).order_by("at", "pk").values_list("action", flat=True)
    )
    assert actions == ["created", "edited", "deleted"]
    deleted = LivePostRevision.objects.get(post_number=number, action="deleted")
    assert deleted.content["body"] == "After" and deleted.post is None
    steps = list(Transition.objects.filter(article=coverage.article).values_list("action", flat=True))
    assert steps == ["live_post_edited", "live_post_deleted"]


# --- The live page ----------------------------------------------------------------------------------


def test_the_live_page_shows_summary_key_events_pinned_post_and_posts_newest_first(client, coverage, editor):
    start = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=1)
    post(coverage, editor, "Oldest", posted_at=start)
    key = post(coverage, editor, "Key", title="Leaders arrive", key_event=True, posted_at=start + timedelta(minutes=42))
    post(coverage, editor, "Pinned one", pinned=True, posted_at=start + timedelta(hours=1))
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    assert "Leaders meet in Kyiv." in html  # key points
    assert f'href="#post-{key.pk}"' in html and "12:42" in html
    assert 'class="live-pinned"' in html
    feed = html.split('id="live-feed"')[1]
    assert feed.index("Pinned one") < feed.index("Key") < feed.index("Oldest")
    assert "Priya Raman</a></p>" in feed


def test_a_post_refused_or_waiting_is_never_on_the_page(client, coverage, journalist, other_journalist):
    post(coverage, journalist, "zqwaitingpost")
    with pytest.raises(workflow.WorkflowError):
        post(coverage, other_journalist, "zqrefusedpost")
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    assert "zqwaitingpost" not in html and "zqrefusedpost" not in html


def test_post_bodies_use_the_story_renderer(client, coverage, editor):
    picture = ImageFactory(alt_text="Leaders at the podium")
    post(coverage, editor, f"**Bold** <script>alert(1)</script>\n\n![](image:{picture.pk})")
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    assert "<strong>Bold</strong>" in html and "<script>alert(1)" not in html
    assert "Leaders at the podium" in html and "<figure" in html


def test_an_ordinary_story_is_not_a_live_page(client, story):
    html = client.get(story.get_absolute_url()).content.decode()
    assert "live-feed" not in html


def test_closed_coverage_says_so_and_stops_polling(client, coverage, editor):
    url = coverage.article.get_absolute_url()
    assert "js/live.js" in client.get(url).content.decode()
    workflow.close(coverage, editor)
    html = client.get(url).content.decode()
    assert "This live coverage has ended" in html and "js/live.js" not in html


def test_long_live_pages_paginate_and_permalinks_find_the_post(client, coverage, editor):
    start = timezone.now() - timedelta(hours=5)
    posts = [
        post(coverage, editor, f"Post {n}", posted_at=start + timedelta(minutes=n)) for n in range(POSTS_PER_PAGE + 5)
    ]
    url = coverage.article.get_absolute_url()
    first = client.get(url).content.decode()
    assert first.count('class="live-post"') == POSTS_PER_PAGE and "Older updates" in first
    oldest = posts[0]
    response = client.get(reverse("live:permalink", args=[oldest.pk]))
    assert response.status_code == 200 and links_of(response, "See the whole live coverage") == [
        f"{url}?page=2#post-{oldest.pk}"
    ]
    assert f'id="post-{oldest.pk}"' in client.get(f"{url}?page=2").content.decode()
    assert client.get(f"{url}?page=3").status_code == 404


def test_the_first_page_costs_the_same_queries_for_few_or_many_posts(
    client, coverage, editor, django_assert_num_queries
):
    url = coverage.article.get_absolute_url()
    for n in range(2):
        post(coverage, editor, f"Post {n}", key_event=True)
    cache.clear()
    client.get("/world/")  # the section tree, kept for every page: not the live page's cost
    with django_assert_num_queries(LIVE_PAGE_QUERIES):
        client.get(url, data={"page": 1})
    for n in range(POSTS_PER_PAGE):
        post(coverage, editor, f"More {n}", key_event=True)
    cache.clear()
    client.get("/world/")
    with django_assert_num_queries(LIVE_PAGE_QUERIES):
        client.get(url, data={"page": 1})


# --- The update endpoint and the cache ---------------------------------------------------------------


def test_the_update_endpoint_carries_only_public_posts(client, coverage, editor, journalist):
    shown = post(coverage, editor, "Shown post")
    post(coverage, journalist, "zqwaitingpost")
    data = client.get(reverse("live:updates", args=[coverage.pk])).json()
    assert [item["id"] for item in data["posts"]] == [shown.pk]
    assert "Shown post" in data["posts"][0]["html"] and data["open"] is True
    assert data["complete"] is True  # every public post is there: one the page shows and this lacks was deleted


def test_the_update_endpoint_of_a_hidden_story_is_404(client, coverage, editor):
    post(coverage, editor, "zqonhidden")
    story_workflow.unpublish(coverage.article, editor, reason="Legal")
    response = client.get(reverse("live:updates", args=[coverage.pk]))
    assert response.status_code == 404 and b"zqonhidden" not in response.content
    assert client.get(reverse("live:updates", args=[ArticleFactory().pk])).status_code == 404  # not live


def test_polling_readers_get_cache_hits_and_304s_until_a_new_post(client, coverage, editor, django_assert_num_queries):
    url = reverse("live:updates", args=[coverage.pk])
    first = client.get(url)
    assert first["X-Cache"] == "MISS" and first["ETag"]
    with django_assert_num_queries(2):  # the content generation and the story's scope: nothing rendered
        again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    new = post(coverage, editor, "Breaking")
    fresh = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200 and fresh.json()["posts"][0]["id"] == new.pk


def test_only_changes_readers_can_see_move_the_live_storys_scope(coverage, editor, journalist):
    def token() -> str:
        return scope_token(scope_name(coverage.pk))

    before, generation_before = token(), generation()
    waiting = post(coverage, journalist, "Waiting")
    workflow.edit_post(waiting, journalist, body="Still waiting")
    assert token() == before
    workflow.approve(waiting, editor)
    approved = token()
    assert approved != before
    workflow.delete_post(waiting, editor)
    assert token() not in (before, approved)
    workflow.close(coverage, editor)
    assert generation() == generation_before  # the rest of the site stays cached


def test_a_post_renders_the_live_page_and_endpoint_again_and_nothing_else(client, coverage, editor, story):
    addresses = [coverage.article.get_absolute_url(), reverse("live:updates", args=[coverage.pk]), "/", "/world/"]
    addresses.append(story.get_absolute_url())
    for address in addresses:
        client.get(address)
    assert [client.get(address)["X-Cache"] for address in addresses] == ["HIT"] * 5
    post(coverage, editor, "zqnewpost")
    answers = [client.get(address) for address in addresses]
    assert [answer["X-Cache"] for answer in answers] == ["MISS", "MISS", "HIT", "HIT", "HIT"]
    assert all("zqnewpost" in answer.content.decode() for answer in answers[:2])


def test_a_deleted_post_is_never_served_from_a_stale_copy(client, coverage, editor, settings):
    settings.PAGE_CACHE_REVALIDATE_SECONDS = 30
    shown = post(coverage, editor, "zqsoondeleted")
    url = reverse("live:updates", args=[coverage.pk])
    assert "zqsoondeleted" in client.get(url).content.decode()
    workflow.delete_post(shown, editor)
    from pagecache.generation import current_generation

    # Another request is rendering the endpoint right now: still no copy with the deleted post.
    address = hashlib.sha256(f"GET:testserver:{url}".encode()).hexdigest()
    assert cache.add(f"page-cache:rendering:{current_generation().key}:{address}", 1, 30)
    assert "zqsoondeleted" not in client.get(url).content.decode()


def test_a_new_post_updates_the_story_time_feeds_show(client, coverage, editor):
    post(coverage, editor, "Breaking")
    coverage.article.refresh_from_db()
    assert coverage.article.revised_at is not None
    feed = client.get("/feeds/atom/").content.decode()
    assert "Summit in Kyiv" in feed
    assert timezone.localtime(coverage.article.revised_at).isoformat()[:19] in feed


# --- Structured data -----------------------------------------------------------------------------------


def test_live_blog_posting_per_googles_guidelines(client, coverage, editor):
    key = post(coverage, editor, "Leaders arrive at the palace.", title="Leaders arrive", key_event=True)
    untitled = post(coverage, editor, "Sirens sound across the city during the talks.")
    html = client.get(coverage.article.get_absolute_url()).content.decode()
    (data,) = Head(html).json_ld
    assert data["@type"] == "LiveBlogPosting" and data["headline"] == "Summit in Kyiv"
    assert data["coverageStartTime"].startswith(timezone.localtime(coverage.article.published_at).isoformat()[:19])
    assert data["coverageEndTime"] > data["coverageStartTime"]
    updates = {update["url"]: update for update in data["liveBlogUpdate"]}
    assert {u["@type"] for u in updates.values()} == {"BlogPosting"}
    keyed = updates[f"http://testserver/live/posts/{key.pk}/"]
    assert keyed["headline"] == "Leaders arrive" and keyed["datePublished"]
    assert updates[f"http://testserver/live/posts/{untitled.pk}/"]["headline"].startswith("Sirens sound")
    workflow.close(coverage, editor)
    coverage.refresh_from_db()
    (closed,) = Head(client.get(coverage.article.get_absolute_url()).content.decode()).json_ld
    assert closed["coverageEndTime"] == timezone.localtime(coverage.ended_at).isoformat(timespec="seconds")


# --- The desk ---------------------------------------------------------------------------------------------


def test_an_editor_starts_a_live_story_and_posts_without_leaving_the_page(editor_client, world, editor):
    response = editor_client.post(
        reverse("admin:live_livecoverage_add"),
        {"title": "Election night", "standfirst": "Results as they come.", "section": world.pk, "publish": "on"},
    )
    coverage = LiveCoverage.objects.get(article__title="Election night")
    assert response.status_code == 302 and coverage.article.is_published
    page = editor_client.get(reverse("admin:live_livecoverage_change", args=[coverage.pk])).content.decode()
    assert 'id="live-post-form"' in page and "live/posting.js" in page
    answer = editor_client.post(
        reverse("admin:live_livecoverage_add_post", args=[coverage.pk]),
        {"body": "Polls have closed.", "key_event": "on"},
        HTTP_ACCEPT="application/json",
    )
    assert answer.json()["ok"] is True and "Polls have closed." in answer.json()["posts"]
    assert LivePost.objects.public().get().key_event


def test_a_post_without_a_body_is_refused_and_keeps_what_was_typed(editor_client, coverage):
    url = reverse("admin:live_livecoverage_add_post", args=[coverage.pk])
    answer = editor_client.post(url, {"title": "Typed title", "body": " "}, HTTP_ACCEPT="application/json")
    assert answer.status_code == 400 and "body" in answer.json()["errors"]
    page = editor_client.post(url, {"title": "Typed title", "body": " "})
    assert page.status_code == 200 and "Typed title" in page.content.decode()
    assert not LivePost.objects.exists()


def test_a_journalist_posts_from_the_desk_into_the_approval_queue(client, coverage, journalist, editor):
    client.force_login(journalist)
    client.post(reverse("admin:live_livecoverage_add_post", args=[coverage.pk]), {"body": "From the scene."})
    waiting = LivePost.objects.get()
    assert waiting.status == LivePost.Status.PENDING
    assert list(waiting.authors.all()) == [journalist.author]
    response = client.post(reverse("admin:live_livecoverage_post_step", args=[coverage.pk, waiting.pk, "approve"]))
    assert response.status_code == 403
    client.force_login(editor)
    assert "1 live post waits for approval" in client.get(reverse("admin:index")).content.decode()
    assert "From the scene." in client.get(reverse("admin:live_livepost_changelist")).content.decode()
    client.post(reverse("admin:live_livecoverage_post_step", args=[coverage.pk, waiting.pk, "approve"]))
    waiting.refresh_from_db()
    assert waiting.status == LivePost.Status.PUBLISHED


def test_journalists_off_the_byline_get_no_posting_form(client, coverage, other_journalist):
    client.force_login(other_journalist)
    page = client.get(reverse("admin:live_livecoverage_change", args=[coverage.pk])).content.decode()
    assert 'id="live-post-form"' not in page
    response = client.post(reverse("admin:live_livecoverage_add_post", args=[coverage.pk]), {"body": "x"})
    assert response.status_code in (200, 403) and not LivePost.objects.exists()


# --- The demo -----------------------------------------------------------------------------------------


def test_the_demo_has_a_closed_live_story_in_world():
    call_command("load_demo", verbosity=0, accounts=False)
    coverage = LiveCoverage.objects.select_related("article__section").get()
    posts = LivePost.objects.public().filter(coverage=coverage)
    assert coverage.article.section.slug == "world" and coverage.article.is_published
    assert posts.count() >= 5 and posts.filter(key_event=True).count() >= 2 and posts.filter(pinned=True).count() == 1
    assert not coverage.is_open
    html = Client().get(coverage.article.get_absolute_url()).content.decode()
    assert "This live coverage has ended" in html
    call_command("load_demo", verbosity=0, accounts=False)  # again: nothing more
    assert LiveCoverage.objects.count() == 1
    assert re.search(r"\d\d:\d\d</time>", html)


def test_editing_a_post_from_the_desk_goes_through_the_workflow(client, coverage, editor, journalist):
    shown = post(coverage, editor, "Frist version")
    edit = reverse("admin:live_livecoverage_edit_post", args=[coverage.pk, shown.pk])
    client.force_login(journalist)
    assert client.get(edit).status_code == 403  # published, and not theirs
    client.force_login(editor)
    assert "Frist version" in client.get(edit).content.decode()
    client.post(edit, {"title": "", "body": "First version"})
    shown.refresh_from_db()
    assert shown.body == "First version"
    assert Transition.objects.filter(article=coverage.article, action="live_post_edited").exists()
    assert "First version" in client.get(reverse("live:updates", args=[coverage.pk])).content.decode()


def test_a_preview_of_a_live_story_is_its_live_page_never_polling(editor_client, coverage, editor):
    post(coverage, editor, "Shown in the preview")
    page = editor_client.get(reverse("admin:articles_article_preview", args=[coverage.pk]))
    html = page.content.decode()
    assert "Shown in the preview" in html and "Preview — this story is live" in html
    assert "js/live.js" not in html and "no-cache" in page["Cache-Control"]


# --- Posts awaiting approval wait in the stories' review queue -------------------------------------------

QUEUE = "/admin/articles/storyinreview/"
# The review queue as an editor opens it, with posts waiting: the session, the user, the editor's
# permissions (two), the section filter's choices, the stories' count (after the planner's estimate on
# PostgreSQL: articles.pagination), the page of stories and the bell's unread count, and one query for
# every post waiting, however many, on however many live stories.
QUEUE_QUERIES = 9 + (connection.vendor == "postgresql")


def filed_story(section, journalist, title="Budget talks stall") -> Article:
    story = ArticleFactory(title=title, section=section, created_by=journalist, draft=True)
    story_workflow.submit(story, journalist)
    return story


def waiting_rows(response) -> list[list[str]]:
    return [row for row in Page(response.content.decode()).rows if row and row[0].startswith("Live post")]


def test_posts_awaiting_approval_wait_in_the_same_queue_as_stories(client, coverage, journalist, editor, world):
    filed_story(world, journalist)
    waiting = post(coverage, journalist, "Sirens over the station.", title="Sirens in Kyiv")
    client.force_login(editor)
    response = client.get(QUEUE)
    page = Page(response.content.decode())
    stories = [row for row in page.rows if row and row[0] == "Budget talks stall"]
    ((entry, by, section, since, wait),) = waiting_rows(response)
    assert stories and entry.startswith("Live post Sirens in Kyiv on Summit in Kyiv")
    assert (by, section) == (journalist.get_full_name() or journalist.username, "World") and since and wait
    edit = reverse("admin:live_livecoverage_edit_post", args=[coverage.pk, waiting.pk])
    approve = reverse("admin:live_livecoverage_post_step", args=[coverage.pk, waiting.pk, "approve"])
    assert ("Open to edit", edit) in page.links
    ((_label, button),) = [button for button in page.buttons if button[0] == "Approve"]
    assert (button["formaction"], button["form"], button["value"]) == (approve, "changelist-form", QUEUE)
    assert client.get(edit).status_code == 200
    index = client.get(reverse("admin:index"))
    assert "1 live post waits for approval" in index.content.decode() and QUEUE in links_of(
        index, "1 live post waits for approval"
    )

    approved = client.post(approve, {"next": QUEUE})  # what the button sends, from the queue
    assert approved.status_code == 302 and approved["Location"] == QUEUE
    waiting.refresh_from_db()
    assert waiting.status == LivePost.Status.PUBLISHED and waiting_rows(client.get(QUEUE)) == []
    # Coming back only ever to this site.
    other = post(coverage, journalist, "Another.")
    step = reverse("admin:live_livecoverage_post_step", args=[coverage.pk, other.pk, "approve"])
    assert client.post(step, {"next": "https://evil.example/"})["Location"] == reverse(
        "admin:live_livecoverage_change", args=[coverage.pk]
    )


def test_the_queue_narrows_waiting_posts_by_section_and_search(client, coverage, journalist, editor, world):
    from tests.factories import SectionFactory

    sport = SectionFactory(name="Sport", slug="sport")
    post(coverage, journalist, "Sirens over the station.", title="Sirens in Kyiv")
    client.force_login(editor)
    assert len(waiting_rows(client.get(f"{QUEUE}?section__id__exact={world.pk}"))) == 1
    assert waiting_rows(client.get(f"{QUEUE}?section__id__exact={sport.pk}")) == []
    assert len(waiting_rows(client.get(f"{QUEUE}?q=sirens"))) == 1
    assert waiting_rows(client.get(f"{QUEUE}?q=budget")) == []
    assert waiting_rows(client.get(f"{QUEUE}?p=2")) == []  # the first page only, above the oldest stories


def test_the_queue_costs_the_same_queries_for_one_waiting_post_or_many(
    client, coverage, journalist, editor, world, django_assert_num_queries
):
    filed_story(world, journalist)
    post(coverage, journalist, "First.")
    client.force_login(editor)
    client.get(QUEUE)
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(waiting_rows(client.get(QUEUE))) == 1
    other = LiveCoverage.objects.create(
        article=ArticleFactory(title="Floods", section=world, authors=[journalist.author], created_by=editor)
    )
    for n in range(5):
        post(other, journalist, f"Water rising {n}.")
    with django_assert_num_queries(QUEUE_QUERIES):
        assert len(waiting_rows(client.get(QUEUE))) == 6


def test_editors_hear_of_a_post_awaiting_approval_as_of_a_story_filed(coverage, journalist, editor, committed):
    from notifications.models import Event, Notification

    with committed():
        waiting = post(coverage, journalist, "From the scene.", title="Sirens in Kyiv")
    (told,) = Notification.objects.filter(recipient=editor)
    assert (told.event, told.actor, told.link, told.text) == (Event.SUBMITTED, journalist, QUEUE, "From the scene.")
    assert "Sirens in Kyiv" in told.summary and "Summit in Kyiv" in told.summary
    # Nothing more for an edit while it waits, its approval, or an editor's own post.
    workflow.edit_post(waiting, journalist, body="From the scene, edited.")
    workflow.approve(waiting, editor)
    post(coverage, editor, "Direct.")
    assert Notification.objects.filter(event=Event.SUBMITTED).count() == 1
    assert not Notification.objects.filter(recipient=journalist).exists()


# --- Each post's own page and share card -------------------------------------------------------------------


def card(client, post_id: int, **headers):
    response = client.get(reverse("live:permalink", args=[post_id]), **headers)
    return response, Head(response.content.decode())


def test_a_shared_post_has_its_own_card_for_people_and_crawlers_alike(client, coverage, editor):
    picture = ImageFactory(alt_text="Leaders at the podium")
    shown = post(coverage, editor, f"Leaders meet at the palace.\n\n![](image:{picture.pk})", title="Leaders meet")
    untitled = post(coverage, editor, "Sirens sound across the city during the talks.")
    story_url = coverage.article.get_absolute_url()
    permalink = f"http://testserver/live/posts/{shown.pk}/"

    response, head = card(client, shown.pk)
    assert response.status_code == 200
    metas = head.metas
    assert (metas["og:title"], metas["twitter:title"]) == (["Leaders meet"], ["Leaders meet"])
    assert metas["og:description"] == metas["twitter:description"] == ["Leaders meet at the palace."]
    assert metas["og:url"] == [permalink]
    assert metas["og:image"] == [f"http://testserver{picture.file.url}"]
    assert metas["og:image:alt"] == ["Leaders at the podium"] and metas["twitter:card"] == ["summary_large_image"]
    assert len(metas["og:url"]) == len(metas["og:title"]) == 1  # the post's card in place of the site's
    assert head.links["canonical"] == [f"http://testserver{story_url}"]
    assert links_of(response, "See the whole live coverage") == [f"{story_url}#post-{shown.pk}"]
    html = response.content.decode()
    assert f'id="post-{shown.pk}"' in html and "Sirens sound" not in html  # this post, in its story's frame
    # The post's share links give this address, which crawlers get as people do.
    assert [href for label, href in Page(html).links if label == "Share on Facebook"] == [
        f"https://www.facebook.com/sharer/sharer.php?u={quote(permalink, safe='')}"
    ]
    _crawled, crawled_head = card(client, shown.pk, HTTP_USER_AGENT="facebookexternalhit/1.1")
    assert crawled_head.metas["og:title"] == ["Leaders meet"] and _crawled.status_code == 200

    # Without a title or a picture: the headline and the post's time, the site's default card image.
    _response, head = card(client, untitled.pk)
    time = dateformat.format(timezone.localtime(untitled.posted_at), "H:i, j F Y")
    assert head.metas["og:title"] == [f"Summit in Kyiv, {time}"]
    assert head.metas["og:description"] == ["Sirens sound across the city during the talks."]
    assert head.metas["og:image"] == head.metas["twitter:image"] == [f"http://testserver{static(CARD)}"]
    # The story's lead picture comes before the site's.
    lead = ImageFactory(alt_text="The palace")
    Article.objects.filter(pk=coverage.pk).update(lead_picture=lead)
    cache.clear()
    _response, head = card(client, untitled.pk)
    assert head.metas["og:image"] == [f"http://testserver{lead.file.url}"]


def test_a_post_card_shows_only_public_posts_and_follows_every_change_at_once(client, coverage, editor, journalist):
    waiting = post(coverage, journalist, "zqwaitingpost")
    assert card(client, waiting.pk)[0].status_code == 404
    assert card(client, 999999)[0].status_code == 404
    shown = post(coverage, editor, "Before the edit.", title="First title")
    first, head = card(client, shown.pk)
    assert head.metas["og:title"] == ["First title"] and first["X-Cache"] == "MISS"
    assert card(client, shown.pk)[0]["X-Cache"] == "HIT"
    workflow.edit_post(shown, editor, title="Second title")
    edited, head = card(client, shown.pk)
    assert edited["X-Cache"] == "MISS" and head.metas["og:title"] == ["Second title"]
    workflow.approve(waiting, editor)
    assert card(client, waiting.pk)[0].status_code == 200
    deleted = shown.pk
    workflow.delete_post(shown, editor)
    assert card(client, deleted)[0].status_code == 404
    story_workflow.unpublish(coverage.article, editor, reason="Legal")
    hidden = card(client, waiting.pk)[0]
    assert hidden.status_code == 404 and b"zqwaitingpost" not in hidden.content


# A post's page, uncached: the generation, the post's story, the story's scope, the post with its story
# and section, its authors, the count placing it on the live page; the same for 2 posts or 22.
CARD_QUERIES = 6


def test_a_post_card_costs_the_same_queries_for_few_or_many_posts(client, coverage, editor, django_assert_num_queries):
    shown = post(coverage, editor, "The first post.")
    post(coverage, editor, "The second.")
    cache.clear()
    client.get("/world/")  # the section tree, kept for every page: not the card's cost
    with django_assert_num_queries(CARD_QUERIES):
        assert card(client, shown.pk)[0].status_code == 200
    for n in range(POSTS_PER_PAGE):
        post(coverage, editor, f"More {n}")
    cache.clear()
    client.get("/world/")
    with django_assert_num_queries(CARD_QUERIES):
        assert card(client, shown.pk)[0].status_code == 200
