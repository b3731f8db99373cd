"""Outside bytes into text, and outside HTML into Markdown: the groundwork every import format stands on."""

import codecs

import pytest

from articles.ingest.decoding import DecodingError, decode
from articles.ingest.htmltext import first_paragraph, html_to_markdown, html_to_text
from articles.ingest.plaintext import paragraphs_to_markdown
from articles.rendering import render_markdown
from tests.helpers.texts import RUSSIAN, UKRAINIAN

# --- Bytes into text ------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoded", "text"),
    [
        ("Rutte in Kyiv\n“Than ever,” he said.".encode(), "Rutte in Kyiv\n“Than ever,” he said."),
        (codecs.BOM_UTF8 + UKRAINIAN.encode(), UKRAINIAN),
        (codecs.BOM_UTF16_LE + UKRAINIAN.encode("utf-16-le"), UKRAINIAN),
        (codecs.BOM_UTF16_BE + UKRAINIAN.encode("utf-16-be"), UKRAINIAN),
        (codecs.BOM_UTF32_LE + UKRAINIAN.encode("utf-32-le"), UKRAINIAN),
        ("Rutte in Kyiv\nHe said so.".encode("utf-16-le"), "Rutte in Kyiv\nHe said so."),
        ("Rutte in Kyiv\nHe said so.".encode("utf-16-be"), "Rutte in Kyiv\nHe said so."),
        (UKRAINIAN.encode("cp1251"), UKRAINIAN),
        (RUSSIAN.encode("cp1251"), RUSSIAN),
        ("Київ: Kyiv in Ukrainian".encode("cp1251"), "Київ: Kyiv in Ukrainian"),
    ],
    ids=["utf-8", "utf-8-bom", "utf-16-le-bom", "utf-16-be-bom", "utf-32-le-bom", "utf-16-le-no-bom",
         "utf-16-be-no-bom", "windows-1251-uk", "windows-1251-ru", "windows-1251-mixed-words"],
)  # fmt: skip
def test_accepted_encodings_are_decoded_correctly(encoded, text):
    assert decode(encoded) == text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Straße in Köln gesperrt".encode("latin-1"), "not UTF-8 text and does not read as Windows-1251"),
        ("Café crème, déjà vu".encode("cp1252"), "not UTF-8 text and does not read as Windows-1251"),
        ("“Quoted,” he said.".encode("cp1252"), "not UTF-8 text and does not read as Windows-1251"),
        (b"\x98 is undefined in Windows-1251", "not UTF-8 text"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8", "not valid UTF-16, though its byte-order mark says it is"),
        (bytes(range(256)) * 4, "This is binary data, not text."),
        (b"%PDF-1.4", "This is a PDF document"),
        (b"\x89PNG\r\n\x1a\n", "This is a PNG image"),
        (b"{\\rtf1\\ansi Hello}", "a Rich Text (.rtf) document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word or Office document"),
    ],
)
def test_other_bytes_are_refused_saying_why(data, message):
    with pytest.raises(DecodingError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        decode(data)


def test_a_few_stray_control_characters_are_dropped_not_refused():
    assert decode(b"Head\x0cline\nText.\x1b") == "Headline\nText."


def test_plain_paragraphs_are_escaped_one_per_line():
    assert paragraphs_to_markdown("# One\r\n\r\n  two *2*  \n\n") == "\\# One\n\ntwo \\*2\\*"


# --- Outside HTML into Markdown ----------------------------------------------------

ATTACKS = [
    "<p>Hi<script>alert(1)</script></p>",
    '<p><img src="x" onerror="alert(1)">Hi</p>',
    '<p><a href="javascript:alert(1)">Hi</a></p>',
    '<p><a href="JaVaScRiPt:alert(1)">Hi</a></p>',
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">Hi</p>',
    '<iframe src="https://evil.example/"></iframe><p>Hi</p>',
    '<svg onload="alert(1)"><p>Hi</p></svg>',
    "<p>Hi</p><style>body{display:none}</style>",
    '<p><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">Hi</a></p>',
    "<p>&lt;script&gt;alert(1)&lt;/script&gt;Hi</p>",
]


@pytest.mark.parametrize("html", ATTACKS)
def test_outside_html_is_sanitized_on_the_way_in(html):
    markdown = html_to_markdown(html)
    rendered = render_markdown(markdown)
    assert "Hi" in rendered
    for dangerous in ("<script", "onerror", "onclick", "onload", "javascript:", "<iframe", "<svg", "<style", "data:"):
        assert dangerous not in rendered.lower(), rendered


def test_text_in_outside_html_never_becomes_markdown():
    markdown = html_to_markdown("<p># Not a heading, *not em*, [not](a link), 1. not a list</p><p>- nor this</p>")
    rendered = render_markdown(markdown)
    assert "<h1>" not in rendered and "<h2>" not in rendered and "<em>" not in rendered
    assert "<a " not in rendered and "<li>" not in rendered
    assert "# Not a heading, *not em*, [not](a link), 1. not a list" in rendered
    assert "- nor this" in rendered


def test_outside_html_structure_becomes_markdown():
    html = (
        "<div>Opening line</div><div>Second <span>block</span></div>"
        "<h1>Big</h1><h4>Small</h4>"
        '<p>A <a href="https://example.org/a (b)">link</a>, a <a href="/relative">relative one</a>,<br>a break.</p>'
        '<ol start="3"><li>three</li><li>four<ul><li>nested</li></ul></li></ol>'
        "<table><tr><th>Team</th><th>Goals</th></tr><tr><td>A|B</td><td>3</td></tr></table>"
        "<p>Use <code>x = `y`</code> and <q>quote</q>.</p><hr>"
    )
    assert html_to_markdown(html).split("\n\n") == [
        "Opening line",
        "Second block",
        "## Big",
        "#### Small",
        "A [link](https://example.org/a%20%28b%29), a relative one,  \na break.",
        "3. three\n4. four\n    - nested",
        "| Team | Goals |\n| --- | --- |\n| A\\|B | 3 |",
        "Use `` x = `y` `` and “quote”.",
        "* * *",
    ]


def test_the_first_paragraph_is_found_for_a_standfirst():
    assert first_paragraph("<h2>Head</h2><p> </p><p>First <b>one</b>.</p><p>Second.</p>") == "First one."
    assert first_paragraph("<div>No paragraphs here</div>") == "No paragraphs here"


def test_html_to_text_keeps_words_apart_across_blocks_only():
    assert (
        html_to_text("<p>Shares <b>rose</b>.</p><p>Bonds fell.</p><script>x()</script>") == "Shares rose. Bonds fell."
    )
