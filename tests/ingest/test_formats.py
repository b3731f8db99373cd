"""IPTC ninjs (1.x and 2.0) and RSS/Atom feeds into stories in review, with outside HTML sanitized."""

import json
from pathlib import Path

import pytest

from articles.ingest.importer import Importer, Outcome
from articles.models import Article, ImportedItem, Source

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DANGER = ("<script", "alert(", "onerror", "onclick", "onload", "javascript:", "<img", "<iframe", "<svg", "tracker.")


def import_fixture(section, name: str, data: bytes | None = None):
    importer = Importer(section=section)
    importer.import_bytes(name, data if data is not None else (FIXTURES / name).read_bytes())
    return importer.report


def assert_safe(article: Article) -> None:
    for dangerous in DANGER:
        assert dangerous not in article.body, (dangerous, article.body)
        assert dangerous not in article.body_html, (dangerous, article.body_html)


# --- ninjs --------------------------------------------------------------------


def test_ninjs_1_items_become_stories_in_review_with_the_agency_as_source(world):
    report = import_fixture(world, "ninjs-1.json")

    assert [result.outcome for result in report.results] == [Outcome.CREATED, Outcome.CREATED]
    visit, markets = (result.article for result in report.results)
    assert visit.title == "Rutte makes first visit to Kyiv as NATO chief"
    assert visit.status == Article.Status.IN_REVIEW and not visit.is_published
    assert visit.kicker == "Kyiv"  # where it was filed from, as a dateline above the headline
    assert visit.standfirst == "The new Secretary General arrived unannounced. He met President Zelensky."
    assert [author.name for author in visit.byline_authors] == ["Olena Koval", "Mark Evans"]
    assert sorted(visit.tags.names()) == ["NATO", "Ukraine"]
    agency = Source.objects.get()
    assert (agency.name, agency.kind) == ("Meridian Wire", Source.Kind.WIRE)
    assert list(visit.sources.all()) == list(markets.sources.all()) == [agency]
    assert "## Air defence" in visit.body
    assert "Read [the full briefing](https://meridian.example/nato)." in visit.body
    assert_safe(visit)

    # A byline that is only the agency's name is no author; plain-text bodies are escaped, line by line.
    assert markets.byline_authors == []
    assert markets.body.split("\n\n") == [
        "LONDON — European shares closed higher on Thursday.",
        "Banks led the gains.",
        "\\# Not a heading, just a line with a hash.",
    ]
    assert "<h1>" not in markets.body_html and "<h2>" not in markets.body_html
    assert sorted(markets.tags.names()) == ["Europe", "markets"]

    item = ImportedItem.objects.get(article=visit)
    assert item.origin == "ninjs" and item.identity == "ninjs:urn:newsml:meridian.example:20241003:kyiv-visit"
    assert item.source_published_at.isoformat() == "2024-10-03T09:30:00+00:00"


def test_ninjs_2_items_read_headlines_bodies_descriptions_and_infosources(world):
    report = import_fixture(world, "ninjs-2.json")

    assert [result.outcome for result in report.results] == [Outcome.CREATED, Outcome.CREATED]
    deal, grain = (result.article for result in report.results)
    assert deal.title == "Ukraine and Poland sign winter energy deal"  # the “main” headline
    assert deal.standfirst == "Poland will export more electricity to Ukraine this winter."
    assert deal.body.startswith("WARSAW — Poland will **double** its electricity exports.")  # HTML preferred
    assert "> “We stand together,” the minister said." in deal.body
    assert "- 1,000 MW from December\n- Reviewed in March" in deal.body
    assert "<blockquote>" in deal.body_html and "<li>1,000 MW from December</li>" in deal.body_html
    assert deal.embargo_until is not None and deal.embargo_until.year == 2099
    assert [author.name for author in deal.byline_authors] == ["Anna Nowak"]
    assert sorted(deal.tags.names()) == ["Energy", "Poland", "Ukraine"]
    assert deal.kicker == "Warsaw"
    [agency] = deal.sources.all()
    assert (agency.name, agency.url, agency.kind) == ("Meridian Wire", "https://meridian.example/", "wire")
    assert_safe(deal)
    assert grain.body == "ODESA — Grain exports rose for a third month.\n\nPorts worked at full capacity."
    assert grain.standfirst == "ODESA — Grain exports rose for a third month."
    assert list(grain.sources.all()) == [agency]


def test_a_single_ninjs_object_is_one_item(world):
    data = json.dumps({"uri": "urn:one", "headlines": [{"value": "Just one"}], "by": "By Kim Park"}).encode()
    [result] = import_fixture(world, "one.json", data).results
    assert result.label == "one.json" and result.article.title == "Just one"
    assert [author.name for author in result.article.byline_authors] == ["Kim Park"]


def test_importing_a_ninjs_file_again_creates_nothing(world):
    import_fixture(world, "ninjs-2.json")
    report = import_fixture(world, "ninjs-2.json")
    assert [result.outcome for result in report.results] == [Outcome.ALREADY_IMPORTED] * 2
    assert Article.objects.count() == 2


# --- RSS and Atom ---------------------------------------------------------------


def test_an_rss_feed_imports_its_items_keeping_links_and_the_feed_as_source(world):
    report = import_fixture(world, "feed-rss.xml")

    assert [result.outcome for result in report.results] == [Outcome.CREATED] * 3
    assert [result.label for result in report.results] == [f"feed-rss.xml #{n}" for n in (1, 2, 3)]
    bridge, budget, trams = (result.article for result in report.results)
    assert bridge.title == "Bridge over the Dnipro reopens after repairs"
    assert bridge.status == Article.Status.IN_REVIEW
    assert bridge.body == "The bridge is open to traffic again.\n\nRepairs took *six months*, the city said. More"
    assert bridge.standfirst == "The bridge is open to traffic again. Repairs took six months."
    assert [author.name for author in bridge.byline_authors] == ["Iryna Bondar"]
    assert sorted(bridge.tags.names()) == ["Transport", "Ukraine"]
    assert_safe(bridge)
    partner = Source.objects.get()
    assert (partner.name, partner.url, partner.kind) == ("Partner Daily", "https://partner.example/", "partner")

    assert budget.body == "The council approved the **2025 budget** by 30 votes to 12.\n\nSchools get more money."
    assert trams.body == "Trams run through the old town again from Monday."
    links = dict(ImportedItem.objects.values_list("article__title", "original_url"))
    assert links == {
        bridge.title: "https://partner.example/2024/10/bridge-reopens",
        budget.title: "https://partner.example/2024/10/budget",
        trams.title: "https://partner.example/2024/10/trams",
    }
    assert ImportedItem.objects.get(article=bridge).identity == "feed:https://partner.example/#partner-daily-1001"


def test_an_atom_feed_imports_its_entries(world):
    report = import_fixture(world, "feed-atom.xml")

    ferry, crane = (result.article for result in report.results)
    assert ferry.title == "Ferry strike ends"  # an HTML title becomes plain text
    assert ferry.standfirst == "Ferries sail again after a three-day strike."
    assert ferry.body == "Ferries sail again.\n\n### What was agreed\n\nA 4% raise over two years."
    assert [author.name for author in ferry.byline_authors] == ["Sven Dahl"]
    assert_safe(ferry)
    assert crane.body == "The crane arrived by sea.\n\nIt lifts 80 tonnes."
    assert ImportedItem.objects.get(article=ferry).original_url == "https://harbour.example/2024/ferry-strike"
    assert Source.objects.get().name == "Harbour Herald"


def test_a_feed_imported_again_creates_nothing_and_a_changed_item_is_updated(world):
    import_fixture(world, "feed-rss.xml")
    data = (FIXTURES / "feed-rss.xml").read_bytes().replace(b"Trams run through", b"New trams run through")

    report = import_fixture(world, "feed-rss.xml", data)

    assert [result.outcome for result in report.results] == [
        Outcome.ALREADY_IMPORTED,
        Outcome.ALREADY_IMPORTED,
        Outcome.UPDATED,
    ]
    trams = report.results[2].article
    trams.refresh_from_db()
    assert trams.body == "New trams run through the old town again from Monday."
    assert trams.revisions.first().note == "Updated by Partner Daily"
    assert Article.objects.count() == 3


def test_an_item_without_a_title_is_refused_and_the_rest_imported(world):
    data = (FIXTURES / "feed-rss.xml").read_bytes().replace(b"<title>Trams return to the old town</title>", b"")
    report = import_fixture(world, "feed-rss.xml", data)
    assert [result.outcome for result in report.results] == [Outcome.CREATED, Outcome.CREATED, Outcome.REFUSED]
    assert report.results[2].message == "The item has no title."


def test_a_feed_with_an_external_entity_reads_no_local_file(world, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>T</title><item><title>&x;</title><guid>1</guid></item></channel></rss>'
    ).encode()
    [result] = import_fixture(world, "xxe.xml", data).results
    assert result.outcome == Outcome.REFUSED and "entities" in result.message
    assert not Article.objects.exists()
