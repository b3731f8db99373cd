"""Reading plain-text stories as correspondents file them."""

from pathlib import Path

import pytest

from articles.ingest.plaintext import PlainTextError, derive_standfirst, escape_markdown, parse_plain_text
from articles.rendering import render_markdown

SAMPLE = Path(__file__).resolve().parents[2] / "articles" / "demo" / "buna-times-rutte-kyiv.txt"


@pytest.fixture(scope="module")
def sample():
    return parse_plain_text(SAMPLE.read_text(encoding="utf-8"))


def test_the_sample_headline_is_the_first_line(sample):
    assert sample.title == (
        "Ukraine is closer to NATO membership “than ever,” new NATO Secretary General Mark Rutte said in Kyiv."
    )


def test_the_sample_subheadings_become_level_two_headings(sample):
    headings = [line[3:] for line in sample.body.splitlines() if line.startswith("## ")]
    assert headings == ["What they talked about in Kyiv", "NATO membership", "Deep into the territory of Russia"]


def test_source_and_author_are_recognised_and_kept_out_of_the_body(sample):
    assert [(source.name, source.url) for source in sample.sources] == [("korrespondent", "")]
    assert [author.name for author in sample.authors] == ["David Wyatt"]
    assert sample.authors[0].bio.startswith("I am David Wyatt, a professional writer and journalist for Buna Times.")
    assert "Source:" not in sample.body and "I am David Wyatt" not in sample.body


def test_quotes_are_kept_exactly(sample):
    assert "“Our goal is Ukraine’s full membership in the Alliance" in sample.body
    assert "“Our goal is Ukraine’s full membership in the Alliance" in render_markdown(sample.body)


def test_standfirst_comes_from_the_first_paragraph_at_a_sentence_boundary(sample):
    assert sample.standfirst.startswith("The new Secretary General of NATO took office on October 1")
    assert sample.standfirst.endswith(".")
    assert len(sample.standfirst) <= 300


def test_windows_line_endings_blank_lines_and_a_bom_are_fine():
    story = parse_plain_text("\ufeffHeadline here\r\n\r\n   \r\nFirst paragraph.\r\nSecond paragraph.\r\n")
    assert story.title == "Headline here"
    assert story.body == "First paragraph.\n\nSecond paragraph."


def test_source_line_with_url_and_any_case():
    story = parse_plain_text("Title\nText.\nSOURCE: Meridian Wire https://meridian.example/item/1\n")
    assert [(s.name, s.url) for s in story.sources] == [("Meridian Wire", "https://meridian.example/item/1")]


def test_optional_standfirst_kicker_and_tags_lines():
    story = parse_plain_text("Title\nKicker: Analysis\nStandfirst: Given summary.\nTags: NATO, Ukraine\nBody text.")
    assert (story.kicker, story.standfirst, story.tags) == ("Analysis", "Given summary.", ["NATO", "Ukraine"])


def test_empty_text_is_refused_clearly():
    with pytest.raises(PlainTextError, match="empty"):
        parse_plain_text(" \n\t\n")


@pytest.mark.parametrize(
    "line",
    ["<script>alert(1)</script>", "# Not a heading", "> not a quote", "- not a list", "1. not a list",
     "[not](javascript:alert(1)) a link", "*not emphasis*", "AT&T and &amp; stay as typed"],
)  # fmt: skip
def test_plain_text_is_never_markup(line):
    line = f"{line}, as the correspondent typed it."
    story = parse_plain_text(f"Title\nBefore.\n{line}\nAfter.")
    html = render_markdown(story.body)
    visible = html.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert line in visible, html
    assert "<script" not in html and "<h2>" not in html and "<blockquote>" not in html and "<li>" not in html
    assert "<a " not in html and "<em>" not in html


def test_a_long_opening_is_cut_at_a_sentence_or_word_boundary():
    assert derive_standfirst("Short one. " + "Second sentence is here. " * 20).startswith("Short one. Second")
    long_sentence = "word " * 200
    assert derive_standfirst(long_sentence).endswith("…") and len(derive_standfirst(long_sentence)) <= 300


def test_escape_markdown_leaves_ordinary_text_alone():
    assert escape_markdown("“than ever,” Rutte said in Kyiv — Київ.") == "“than ever,” Rutte said in Kyiv — Київ."
