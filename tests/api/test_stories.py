"""Stories, sections, authors, tags and corrections: fields, filters, cursor pages, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles import workflow
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db


def results(client, url: str) -> list[dict]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(client, url: str) -> list[int]:
    return [item["id"] for item in results(client, url)]


def test_a_story_carries_everything_a_partner_needs(client, world, editor):
    author, co_author = AuthorFactory(name="Ann Lee", slug="ann-lee"), AuthorFactory(name="Bo Ek", slug="bo-ek")
    picture = ImageFactory(alt_text="Ministers at the table", caption="The talks.", credit="Photo: Staff")
    story = ArticleFactory(
        title="Talks resume", kicker="Analysis", standfirst="A short summary.", body="Hello **world**.",
        section=world, authors=[author, co_author], tags=["Diplomacy", "Europe"],
        sources=[SourceFactory(name="Wire Agency")], lead_picture=picture, seo_title="Talks: what now",
    )  # fmt: skip
    workflow.add_correction(story, editor, kind="correction", note="An earlier version misspelt a name.")

    data = client.get(f"/api/v1/stories/{story.pk}/").json()

    assert data["id"] == story.pk
    assert data["url"] == "http://testserver" + story.get_absolute_url()
    assert data["api_url"] == f"http://testserver/api/v1/stories/{story.pk}/"
    assert (data["headline"], data["kicker"], data["standfirst"]) == ("Talks resume", "Analysis", "A short summary.")
    assert data["body_html"] == "<p>Hello <strong>world</strong>.</p>"
    assert data["body_markdown"] == "Hello **world**."
    assert data["section"]["slug"] == "world"
    assert [(b["author_id"], b["name"]) for b in data["bylines"]] == [(author.pk, "Ann Lee"), (co_author.pk, "Bo Ek")]
    assert data["bylines"][0]["url"] == "http://testserver/authors/ann-lee/"
    assert [tag["name"] for tag in data["tags"]] == ["Diplomacy", "Europe"]
    assert [source["name"] for source in data["sources"]] == ["Wire Agency"]
    lead = data["lead_image"]
    assert (lead["alt"], lead["caption"], lead["credit"]) == ("Ministers at the table", "The talks.", "Photo: Staff")
    assert lead["url"].startswith("http://testserver/") and lead["renditions"]
    assert all(rendition["url"].startswith("http://") for rendition in lead["renditions"])
    assert data["published_at"].endswith(("Z", "+00:00"))
    assert data["updated_at"] >= data["published_at"]
    assert [c["note"] for c in data["corrections"]] == ["An earlier version misspelt a name."]
    assert data["language"] == "en-gb"
    assert data["seo_title"] == "Talks: what now"
    assert data["meta_description"] == "A short summary."


def test_a_lead_picture_whose_licence_ran_out_is_not_shown(client, world):
    picture = ImageFactory(licence_expires=timezone.localdate() - timedelta(days=1))
    story = ArticleFactory(section=world, lead_picture=picture)
    assert client.get(f"/api/v1/stories/{story.pk}/").json()["lead_image"] is None


def test_filters_by_section_with_its_subsections_tag_author_and_update_time(client, world):
    europe = SectionFactory(slug="europe", parent=world)
    business = SectionFactory(slug="business")
    author = AuthorFactory(slug="ann")
    in_world = ArticleFactory(section=world, tags=["Peace"])
    in_europe = ArticleFactory(section=europe, authors=[author])
    in_business = ArticleFactory(section=business, published_at=timezone.now() - timedelta(days=3))

    assert set(ids(client, "/api/v1/stories/?section=world")) == {in_world.pk, in_europe.pk}
    assert set(ids(client, f"/api/v1/stories/?section={europe.pk}")) == {in_europe.pk}
    assert ids(client, "/api/v1/stories/?tag=peace") == [in_world.pk]
    assert ids(client, "/api/v1/stories/?author=ann") == [in_europe.pk]
    assert ids(client, f"/api/v1/stories/?author={author.pk}") == [in_europe.pk]
    since = (timezone.now() - timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert in_business.pk not in ids(client, f"/api/v1/stories/?updated_since={since}")
    assert ids(client, "/api/v1/stories/?section=nowhere") == []
    assert ids(client, "/api/v1/stories/?tag=nothing") == []
    for odd in ("9" * 400, "%C2%B2", "%00", "-1"):  # huge, a superscript digit, NUL, negative: nothing, no error
        assert ids(client, f"/api/v1/stories/?section={odd}&author={odd}&tag={odd}") == []


def test_q_uses_the_sites_search(client, world, committed):
    with committed():  # on PostgreSQL the search vectors are written after the commit
        found = ArticleFactory(section=world, title="Harvest festival opens", body="Farmers gather.")
        ArticleFactory(section=world, title="Budget vote")
    assert ids(client, "/api/v1/stories/?q=harvest") == [found.pk]
    assert ids(client, "/api/v1/stories/?q=nothing+like+it") == []
    assert len(ids(client, "/api/v1/stories/?q=")) == 2  # an empty q searches for nothing: no filter


def test_pages_are_newest_first_and_stable_when_stories_are_published_meanwhile(client, world):
    now = timezone.now()
    stories = [ArticleFactory(section=world, published_at=now - timedelta(minutes=n)) for n in range(1, 6)]
    first = client.get("/api/v1/stories/?page_size=2").json()
    assert [item["id"] for item in first["results"]] == [stories[0].pk, stories[1].pk]
    ArticleFactory(section=world, published_at=now)  # a new story at the top: the next page must not shift
    second = client.get(first["next"]).json()
    assert [item["id"] for item in second["results"]] == [stories[2].pk, stories[3].pk]
    third = client.get(second["next"]).json()
    assert [item["id"] for item in third["results"]] == [stories[4].pk] and third["next"] is None


def test_stories_with_the_same_publication_time_are_neither_skipped_nor_repeated(client, world):
    moment = timezone.now() - timedelta(hours=1)
    stories = [ArticleFactory(section=world, published_at=moment) for _ in range(5)]
    seen, url = [], "/api/v1/stories/?page_size=2"
    while url:
        page = client.get(url).json()
        seen += [item["id"] for item in page["results"]]
        url = page["next"]
    assert seen == sorted((story.pk for story in stories), reverse=True)


@pytest.mark.parametrize("bad", ["page_size=0", "page_size=101", "page_size=x", "updated_since=yesterday"])
def test_bad_parameters_are_a_clear_400(client, bad):
    response = client.get(f"/api/v1/stories/?{bad}")
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["fields"]


MALFORMED_CURSORS = [
    "%%%",  # not base64
    "e",  # not even a byte
    "bm90IGpzb24",  # base64 of text that is not JSON
    "WzFd",  # [1]: no value
    "WyIyMDI2LTAxLTAxIiwgdHJ1ZV0",  # ["2026-01-01", true]: an id that is not a number
]
UNKNOWN_TIME = "WyJub3QgYSB0aW1lIiwgMV0"  # ["not a time", 1]: for a list in time order, no place in it


@pytest.mark.parametrize(
    ("url", "parameter", "cursor"),
    [
        *[("/api/v1/stories/", "cursor", cursor) for cursor in [*MALFORMED_CURSORS, UNKNOWN_TIME]],
        *[("/api/v1/authors/", "cursor", cursor) for cursor in MALFORMED_CURSORS],
        *[("/api/v1/changes/", "since", cursor) for cursor in [*MALFORMED_CURSORS, UNKNOWN_TIME]],
    ],
)
def test_an_unknown_or_malformed_cursor_is_a_clear_400(client, url, parameter, cursor):
    response = client.get(url, {parameter: cursor})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert (body["status"], body["error"]) == (400, "invalid")
    assert "handed out" in body["fields"][parameter][0]


def _full_story(section, n: int):
    return ArticleFactory(
        section=section, authors=[AuthorFactory(), AuthorFactory()], tags=[f"tag{n}", f"other{n}"],
        sources=[SourceFactory()], lead_picture=ImageFactory(),
    )  # fmt: skip


@pytest.mark.parametrize(
    "url",
    ["/api/v1/stories/", "/api/v1/authors/", "/api/v1/tags/", "/api/v1/corrections/", "/api/v1/sections/"],
)
def test_list_pages_take_the_same_queries_for_3_or_12_items(
    client, world, editor, settings, url, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # measure the uncached work
    counts = []
    for n in range(12):
        story = _full_story(SectionFactory(parent=world), n)
        workflow.add_correction(story, editor, kind="update", note=f"Update {n}.")
        if n in (2, 11):
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_story_list_and_a_story_take_a_fixed_number_of_queries(
    client, world, editor, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_SECONDS = 0  # uncached: no generation to read
    stories = [_full_story(world, n) for n in range(5)]
    # The list: the stories (with section and lead picture), their bylines, their tags.
    with django_assert_num_queries(3):
        listed = client.get("/api/v1/stories/").json()["results"]
    assert len(listed) == 5 and all(item["bylines"] and item["tags"] and item["lead_image"] for item in listed)
    # A story: the same, and its sources.
    with django_assert_num_queries(4):
        client.get(f"/api/v1/stories/{stories[0].pk}/")
    # Corrections are asked for, in one more query, once the story has been revised; a list never asks.
    workflow.add_correction(stories[0], editor, kind="update", note="Update.")
    with django_assert_num_queries(3):
        client.get("/api/v1/stories/")
    with django_assert_num_queries(5):
        client.get(f"/api/v1/stories/{stories[0].pk}/")
    settings.PAGE_CACHE_SECONDS = 600  # kept answers: the generation is read first, then one of them is served
    client.get("/api/v1/stories/")
    with django_assert_num_queries(1):
        assert client.get("/api/v1/stories/")["X-Cache"] == "HIT"


def test_a_list_item_is_a_summary_and_its_api_url_the_whole_story(client, world, editor):
    story = _full_story(world, 1)
    workflow.add_correction(story, editor, kind="update", note="Update.")
    item = client.get("/api/v1/stories/").json()["results"][0]
    whole = client.get(item["api_url"]).json()
    summary_fields = {
        "id", "url", "api_url", "headline", "kicker", "standfirst", "section", "bylines", "tags", "lead_image",
        "published_at", "updated_at", "language",
    }  # fmt: skip
    assert set(item) == summary_fields
    assert {key: whole[key] for key in summary_fields} == item
    assert set(whole) - summary_fields == {
        "body_html", "body_markdown", "sources", "corrections", "seo_title", "meta_description",
    }  # fmt: skip


def test_sections_are_a_tree(client, world):
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    SectionFactory(name="France", slug="france", parent=europe)
    tree = client.get("/api/v1/sections/").json()
    assert [section["slug"] for section in tree] == ["world"]
    assert tree[0]["children"][0]["slug"] == "europe"
    assert tree[0]["children"][0]["children"][0]["slug"] == "france"
    assert client.get(f"/api/v1/sections/{europe.pk}/").json()["children"][0]["slug"] == "france"
    assert client.get("/api/v1/sections/999999/").status_code == 404


def test_authors_and_tags_and_corrections(client, world, editor):
    author = AuthorFactory(name="Zed", slug="zed")
    story = ArticleFactory(section=world, authors=[author], tags=["Rivers"])
    ArticleFactory(section=world, tags=["Secret"], draft=True)
    workflow.add_correction(story, editor, kind="clarification", note="Clarified.")
    assert "zed" in [a["slug"] for a in results(client, "/api/v1/authors/")]
    assert client.get(f"/api/v1/authors/{author.pk}/").json()["name"] == "Zed"
    assert [t["slug"] for t in results(client, "/api/v1/tags/")] == ["rivers"]
    corrections = results(client, "/api/v1/corrections/")
    assert [(c["story_id"], c["kind"], c["note"]) for c in corrections] == [(story.pk, "clarification", "Clarified.")]


def test_the_fast_story_writer_says_exactly_what_the_declared_serializer_says(rf, world, editor):
    """``StorySerializer.to_representation`` (and the list's ``StorySummarySerializer``'s) is written out for
    speed; DRF's walk of the declared fields (which the OpenAPI schema is made from) must give the same,
    field for field."""
    from api.serializers import StorySerializer, StorySummarySerializer
    from api.stories import published_stories, published_summaries, with_rows

    author = AuthorFactory(name="Ünal Çelik", slug="ünal-çelik")
    story = ArticleFactory(section=SectionFactory(parent=world), authors=[author, AuthorFactory()],
                           tags=["Café", "NATO"], sources=[SourceFactory()], lead_picture=ImageFactory())  # fmt: skip
    workflow.add_correction(story, editor, kind="update", note="Updated.")
    loaded = with_rows([published_stories().get(pk=story.pk)], full=True)[0]
    serializer = StorySerializer(context={"request": rf.get("/api/v1/stories/")})
    assert serializer.to_representation(loaded) == serializer.declared_representation(loaded)
    summary = with_rows([published_summaries().get(pk=story.pk)], full=False)[0]
    serializer = StorySummarySerializer(context={"request": rf.get("/api/v1/stories/")})
    assert serializer.to_representation(summary) == serializer.declared_representation(summary)


def test_a_filter_of_control_characters_is_an_unknown_value_not_a_refused_blank(client, db):
    # The schema calls a one-character value valid; DRF's own trimming made U+001E a blank and answered 400.
    response = client.get("/api/v1/stories/", {"section": "\x1e"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_an_empty_or_blank_filter_is_no_filter(client, world):
    ArticleFactory(section=world)
    everything = client.get("/api/v1/stories/").json()["results"]
    assert len(everything) == 1
    for value in ("", "  "):
        response = client.get("/api/v1/stories/", {"section": value, "tag": value, "author": value, "q": value})
        assert response.status_code == 200 and response.json()["results"] == everything
