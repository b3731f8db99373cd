"""Importing outside copy: stories in review, never duplicated, never half-imported, bad input refused clearly."""

import codecs
import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles.demo import SAMPLE_STORY, load_demo
from articles.ingest import MAX_BYTES
from articles.ingest.importer import Format, Importer, Outcome, detect_format
from articles.models import Article, ImportedItem, Revision, Source, Transition
from authors.models import Author
from tests.factories import ArticleFactory, AuthorFactory, SourceFactory
from tests.helpers.texts import RUSSIAN, UKRAINIAN

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE_HEADLINE = (
    "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
)


def run(section, *documents, user=None, fmt=Format.AUTO):
    """Import (name, bytes) documents; the importer's report."""
    importer = Importer(section=section, user=user, fmt=fmt)
    for name, data in documents:
        importer.import_bytes(name, data)
    return importer.report


def counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Article, Source, Author, Tag, ImportedItem, Revision, Transition)
    }


def ninjs_item(uri="urn:meridian:1", **fields) -> dict:
    return {"uri": uri, "headline": "Grain deal extended", "body_text": "ODESA — The deal was extended.", **fields}


def ninjs(*items) -> tuple[str, bytes]:
    return "wire.json", json.dumps(list(items)).encode()


# --- The sample story ---------------------------------------------------------


def test_the_sample_becomes_a_story_in_review_with_its_source_author_and_subheadings(world, editor):
    report = run(world, (SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()), user=editor)

    [result] = report.results
    assert result.outcome == Outcome.CREATED
    article = Article.objects.get()
    assert result.article == article
    assert article.title == SAMPLE_HEADLINE
    headings = [line[3:] for line in article.body.splitlines() if line.startswith("## ")]
    assert headings == ["What they talked about in Kyiv", "NATO membership", "Deep into the territory of Russia"]
    assert [source.name for source in article.sources.all()] == ["korrespondent"]
    [author] = article.byline_authors
    assert author.name == "David Wyatt"
    assert author.bio.startswith("I am David Wyatt, a professional writer and journalist for Buna Times.")
    assert "I am David Wyatt" not in article.body and "Source:" not in article.body
    assert article.standfirst.startswith("The new Secretary General of NATO took office on October 1")

    # Imported copy waits for an editor: in review, never published.
    assert article.status == Article.Status.IN_REVIEW and article.submitted_at is not None
    assert article.published_at is None and not Article.objects.published().exists()
    assert article.created_by == editor
    [transition] = article.transitions.all()
    assert (transition.from_status, transition.to_status, transition.action) == ("draft", "in_review", "import")
    assert transition.actor == editor
    assert "korrespondent" in transition.note and SAMPLE_STORY.name in transition.note
    [revision] = article.revisions.all()
    assert revision.number == 1 and revision.content["title"] == SAMPLE_HEADLINE
    item = ImportedItem.objects.get()
    assert item.article == article and item.origin == "text" and item.identity.startswith("text:")


def test_importing_the_sample_again_creates_nothing_and_says_so(world):
    run(world, (SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()))
    before = counts()

    report = run(world, (SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()))

    [result] = report.results
    assert result.outcome == Outcome.ALREADY_IMPORTED
    assert result.article == Article.objects.get()
    assert "already imported" in result.line()
    assert counts() == before


def test_the_same_text_with_other_line_endings_bom_and_blank_lines_is_the_same_story(world):
    run(world, ("story.txt", b"Headline\nFirst paragraph.\nSecond paragraph.\n"))
    again = "\ufeffHeadline\r\n\r\n   \r\nFirst paragraph.  \r\nSecond paragraph.\r\n".encode()

    [result] = run(world, ("copy-of-story.txt", again)).results

    assert result.outcome == Outcome.ALREADY_IMPORTED
    assert Article.objects.count() == 1


def test_the_same_item_twice_in_one_batch_is_imported_once(world):
    report = run(world, ("a.txt", b"Headline\nText."), ("b.txt", b"Headline\nText."))
    assert [result.outcome for result in report.results] == [Outcome.CREATED, Outcome.ALREADY_IMPORTED]


def test_existing_source_and_author_are_matched_without_case_and_the_bio_is_left_alone(world):
    source = SourceFactory(name="Korrespondent")
    author = AuthorFactory(name="David Wyatt", bio="Our own bio, written by the desk.")

    run(world, (SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()))

    article = Article.objects.get()
    assert list(article.sources.all()) == [source]
    assert article.byline_authors == [author]
    author.refresh_from_db()
    assert author.bio == "Our own bio, written by the desk."
    assert Source.objects.count() == 1 and Author.objects.count() == 1


def test_the_demo_loader_imports_the_sample_through_the_importer(db):
    load_demo(with_accounts=False)
    item = ImportedItem.objects.get()
    assert item.article.title == SAMPLE_HEADLINE and item.article.is_published
    assert list(item.article.transitions.values_list("action", flat=True)) == ["import", "publish"]

    # The file the demo came from is recognised afterwards, published or not.
    from articles.models import Section

    [result] = run(Section.objects.get(slug="world"), (SAMPLE_STORY.name, SAMPLE_STORY.read_bytes())).results
    assert result.outcome == Outcome.ALREADY_IMPORTED


# --- Updates from agencies ----------------------------------------------------


def test_an_agency_update_becomes_a_new_revision_of_the_story_still_in_review(world):
    run(world, ninjs(ninjs_item(copyrightholder="Meridian Wire", subject=[{"name": "Grain"}])))
    article = Article.objects.get()

    updated = ninjs_item(
        copyrightholder="Meridian Wire",
        headline="Grain deal extended by a year",
        body_text="ODESA — The deal was extended by a year.\nShips keep sailing.",
        subject=[{"name": "Grain"}, {"name": "Black Sea"}],
    )
    [result] = run(world, ninjs(updated)).results

    assert result.outcome == Outcome.UPDATED and result.article == article
    article.refresh_from_db()
    assert article.title == "Grain deal extended by a year"
    assert article.body == "ODESA — The deal was extended by a year.\n\nShips keep sailing."
    assert article.status == Article.Status.IN_REVIEW
    assert sorted(article.tags.names()) == ["Black Sea", "Grain"]
    assert [r.note for r in article.revisions.order_by("number")] == [
        "Imported from Meridian Wire (wire.json)",
        "Updated by Meridian Wire",
    ]
    assert "revision 2" in result.message
    assert Article.objects.count() == 1 and ImportedItem.objects.count() == 1

    # The same update again is nothing new.
    [again] = run(world, ninjs(updated)).results
    assert again.outcome == Outcome.ALREADY_IMPORTED


@pytest.mark.parametrize("status", [Article.Status.PUBLISHED, Article.Status.UNPUBLISHED])
def test_an_update_to_a_published_story_is_reported_and_not_applied(world, editor, status):
    from django.utils import timezone

    run(world, ninjs(ninjs_item()))
    article = Article.objects.get()
    Article.objects.filter(pk=article.pk).update(status=status, published_at=timezone.now())
    before, hash_before = counts(), ImportedItem.objects.get().content_hash

    [result] = run(world, ninjs(ninjs_item(headline="A changed headline"))).results

    assert result.outcome == Outcome.NOT_APPLIED
    assert result.message == f"update not applied: story is {status.label.lower()}"
    article.refresh_from_db()
    assert article.title == "Grain deal extended" and article.status == status
    assert counts() == before and ImportedItem.objects.get().content_hash == hash_before


# --- All or nothing -----------------------------------------------------------


def test_an_item_that_fails_leaves_nothing_behind_and_the_others_go_on(world, monkeypatch):
    from articles import revisions

    real = revisions.record_revision

    def failing(article, user, **kwargs):
        if article.title == "Second item":
            raise RuntimeError("disk full")
        return real(article, user, **kwargs)

    monkeypatch.setattr(revisions, "record_revision", failing)
    items = [
        ninjs_item("urn:1", headline="First item"),
        ninjs_item("urn:2", headline="Second item", byline="New Writer", copyrightholder="New Agency",
                   subject=[{"name": "Brand new tag"}]),
        ninjs_item("urn:3", headline="Third item"),
    ]  # fmt: skip

    report = run(world, ninjs(*items))

    assert [result.outcome for result in report.results] == [Outcome.CREATED, Outcome.REFUSED, Outcome.CREATED]
    assert "An unexpected error stopped this item (RuntimeError)" in report.results[1].message
    assert "nothing of it was saved" in report.results[1].message
    assert sorted(Article.objects.values_list("title", flat=True)) == ["First item", "Third item"]
    assert not Source.objects.filter(name="New Agency").exists()
    assert not Author.objects.filter(name="New Writer").exists()
    assert not Tag.objects.filter(name="Brand new tag").exists()
    assert ImportedItem.objects.count() == 2 and Transition.objects.count() == 2


def test_one_bad_item_in_a_ninjs_batch_does_not_stop_the_others(world):
    report = run(world, ("mixed.json", (FIXTURES / "ninjs-mixed.json").read_bytes()))
    assert [(r.label, r.outcome) for r in report.results] == [
        ("mixed.json #1", Outcome.CREATED),
        ("mixed.json #2", Outcome.REFUSED),
        ("mixed.json #3", Outcome.CREATED),
    ]
    assert "no headline" in report.results[1].message
    assert report.refused == 1 and Article.objects.count() == 2


# --- Bad input: a clear message, and nothing created ------------------------------

UTF16_STORY = "Headline\nText."
BAD_INPUTS = [
    ("empty.txt", b"", "The file is empty"),
    ("spaces.txt", b"   \n \t \r\n   \n", "The file is empty"),
    ("bom-only.txt", codecs.BOM_UTF8, "The file is empty"),
    ("binary.bin", bytes(range(256)) * 8, "This is binary data, not text."),
    ("controls.txt", b"Head\x01line\x02 \x03\x04\x05\x06\x07\x08\x0e\x0f", "This is binary data, not text."),
    ("story.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "This is a PDF document, not a text file."),
    ("story.docx", b"PK\x03\x04\x14\x00\x06\x00", "a Word/OpenDocument file"),
    ("latin1.txt", "Straße in Köln gesperrt\nDer Verkehr wird umgeleitet.".encode("latin-1"),
     "not UTF-8 text and does not read as Windows-1251"),
    ("no-headline.txt", b"Source: Meridian Wire\nText without a headline.", "The first line should be the headline"),
    ("long-headline.txt", b"Word " * 60 + b"\nText.", "too long to be a headline"),
    ("broken.json", b'{"uri": "urn:1", "headline": "Unfinished"', "The file is not valid JSON"),
    ("empty-list.json", b"[]", "The JSON holds no ninjs item"),
    ("no-headline.json", b'{"uri": "urn:1", "body_text": "Text."}', "The item has no headline"),
    ("no-uri.json", b'{"headline": "A headline", "body_text": "Text."}', "The item has no “uri”"),
    ("picture.json", b'{"uri": "urn:1", "type": "picture", "headline": "A photo"}', "Only text items are imported"),
    ("killed.json", b'{"uri": "urn:1", "pubstatus": "canceled", "headline": "Kill"}', "The agency has withdrawn"),
    ("not-an-object.json", b'["just a string"]', "not a JSON object"),
    ("malformed.xml", (FIXTURES / "feed-malformed.xml").read_bytes(), "not well-formed XML: mismatched tag (line 3"),
    ("note.xml", b'<?xml version="1.0"?><note>Not a feed</note>', "This is not an RSS or Atom feed"),
    ("entities.xml", b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss/>',
     "declares its own XML entities"),
    ("empty-feed.xml", b'<rss version="2.0"><channel><title>Nothing</title></channel></rss>', "The feed has no items"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "data", "message"), BAD_INPUTS, ids=[name for name, _, _ in BAD_INPUTS])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_created(world, name, data, message):
    report = run(world, (name, data))

    [result] = report.results
    assert result.outcome == Outcome.REFUSED
    assert message in result.message
    assert result.article is None
    assert set(counts().values()) == {0}


def test_a_file_over_two_megabytes_is_refused_without_being_read(world, tmp_path, monkeypatch):
    big = tmp_path / "huge.txt"
    big.write_bytes(b"Headline\n" + b"a" * MAX_BYTES)
    monkeypatch.setattr(Path, "open", lambda *args, **kwargs: pytest.fail("the file was opened"))
    importer = Importer(section=world)

    importer.import_path(big)

    [result] = importer.report.results
    assert result.outcome == Outcome.REFUSED
    assert "larger than 2 MB" in result.message
    assert set(counts().values()) == {0}


def test_a_missing_path_is_refused_and_a_folder_is_read_with_its_subfolders(world, tmp_path):
    (tmp_path / "day1").mkdir()
    (tmp_path / "day1" / "a.txt").write_text("First story\nText.")
    (tmp_path / "b.txt").write_text("Second story\nText.")
    (tmp_path / ".hidden.txt").write_text("Hidden\nText.")
    importer = Importer(section=world)

    importer.import_path(tmp_path)
    importer.import_path(tmp_path / "missing.txt")

    outcomes = [(Path(result.label).name, result.outcome) for result in importer.report.results]
    assert outcomes == [("b.txt", Outcome.CREATED), ("a.txt", Outcome.CREATED), ("missing.txt", Outcome.REFUSED)]
    assert importer.report.results[-1].message == "There is no such file or folder."


# --- Encodings, line endings, and text that looks like markup ----------------------


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        ("Rutte in Kyiv\n“Than ever,” he said.".encode(), "Rutte in Kyiv\n“Than ever,” he said."),
        (codecs.BOM_UTF8 + UKRAINIAN.encode(), UKRAINIAN),
        (codecs.BOM_UTF16_LE + UKRAINIAN.encode("utf-16-le"), UKRAINIAN),
        (codecs.BOM_UTF16_BE + UKRAINIAN.encode("utf-16-be"), UKRAINIAN),
        ("Rutte in Kyiv\nHe said so.".encode("utf-16-le"), "Rutte in Kyiv\nHe said so."),
        (UKRAINIAN.encode("cp1251"), UKRAINIAN),
        (RUSSIAN.encode("cp1251"), RUSSIAN),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-le-bom",
        "utf-16-be-bom",
        "utf-16-le-no-bom",
        "windows-1251-uk",
        "windows-1251-ru",
    ],
)
def test_text_in_every_accepted_encoding_is_imported_correctly(world, encoded, text):
    [result] = run(world, ("story.txt", encoded)).results
    assert result.outcome == Outcome.CREATED
    headline, *paragraphs = text.split("\n")
    assert result.article.title == headline
    assert result.article.body == "\n\n".join(paragraphs)


def test_windows_line_endings_and_lines_of_spaces_make_no_difference(world):
    data = b"Headline\r\n   \r\n\t\r\nFirst paragraph.\r\n    \r\nSecond paragraph.\r\n"
    [result] = run(world, ("windows.txt", data)).results
    assert result.article.title == "Headline"
    assert result.article.body == "First paragraph.\n\nSecond paragraph."


def test_script_and_html_in_plain_text_are_kept_as_text_never_run(world):
    data = b'<script>alert("x")</script> Headline\nText with <b>tags</b> and <img src=x onerror=alert(1)>.\n'
    [result] = run(world, ("markup.txt", data)).results
    article = result.article
    assert article.title == '<script>alert("x")</script> Headline'
    assert "<script" not in article.body_html and "<img" not in article.body_html and "<b>" not in article.body_html
    assert "&lt;b&gt;tags&lt;/b&gt;" in article.body_html
    assert "&lt;img src=x onerror=alert(1)&gt;" in article.body_html


# --- Queries: constant per story, whatever the number of paragraphs and tags --------


def _story_with(size: int, name: str) -> bytes:
    paragraphs = "\n".join(f"Paragraph {n} of the story, with a sentence." for n in range(size))
    tags = ", ".join(f"{name} tag {n}" for n in range(size))
    return f"{name} headline\nTags: {tags}\n{paragraphs}\nSource: {name} Agency\n".encode()


def test_importing_a_story_takes_the_same_queries_for_3_or_60_paragraphs_and_tags(world):
    def queries_for(data: bytes) -> int:
        with CaptureQueriesContext(connection) as captured:
            [result] = run(world, ("story.txt", data)).results
        assert result.outcome == Outcome.CREATED
        return len(captured)

    small, large = queries_for(_story_with(3, "Small")), queries_for(_story_with(60, "Large"))

    assert small == large
    assert large <= 25
    assert Article.objects.get(title="Large headline").tags.count() == 60


# --- Formats ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type", "expected"),
    [
        ("story.txt", b"{not json}", "", Format.TEXT),
        ("wire.json", b"Headline", "", Format.NINJS),
        ("feed.rss", b"", "", Format.FEED),
        ("https://partner.example/feed", b"", "application/rss+xml", Format.FEED),
        ("https://partner.example/api/items", b"", "application/json", Format.NINJS),
        ("noextension", b'\xef\xbb\xbf  {"uri": "x"}', "", Format.NINJS),
        ("noextension", b'<?xml version="1.0"?><rss/>', "", Format.FEED),
        ("noextension", b"<feed xmlns='http://www.w3.org/2005/Atom'/>", "", Format.FEED),
        ("noextension", b"<script>alert(1)</script> is a headline", "", Format.TEXT),
    ],
)
def test_the_format_comes_from_the_extension_the_content_type_or_the_content(name, data, content_type, expected):
    assert detect_format(name, data, content_type) == expected


def test_a_forced_format_is_used_for_every_file(world):
    [result] = run(world, ("wire.txt", b'{"uri": "urn:1", "headline": "From JSON"}'), fmt=Format.NINJS).results
    assert result.outcome == Outcome.CREATED and result.article.title == "From JSON"


def test_an_embargo_from_the_agency_is_kept_and_a_past_one_ignored(world):
    report = run(
        world,
        ninjs(
            ninjs_item("urn:future", embargoed="2099-01-01T06:00:00Z"),
            ninjs_item("urn:past", headline="Old embargo", embargoed="2001-01-01T06:00:00Z"),
        ),
    )
    future, past = (result.article for result in report.results)
    assert future.embargo_until.year == 2099
    assert past.embargo_until is None


def test_an_embargo_that_has_run_out_since_the_first_import_is_no_update(world):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    item = ninjs_item(embargoed=(timezone.now() + timedelta(hours=1)).isoformat())
    run(world, ninjs(item))
    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        [result] = run(world, ninjs(item)).results
    assert result.outcome == Outcome.ALREADY_IMPORTED


def test_a_headline_that_is_too_long_in_ninjs_is_refused(world):
    [result] = run(world, ninjs(ninjs_item(headline="Long " * 60))).results
    assert result.outcome == Outcome.REFUSED and "longer than 255 characters" in result.message


def test_a_story_published_elsewhere_keeps_a_draft_of_its_own(world):
    """Importing never touches stories that were not imported, even with the same headline."""
    existing = ArticleFactory(title="Grain deal extended", section=world)
    [result] = run(world, ninjs(ninjs_item())).results
    assert result.outcome == Outcome.CREATED and result.article != existing
    assert result.article.slug != existing.slug
