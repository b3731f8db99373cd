"""Story bodies: Markdown features come through, anything active is removed."""

import pytest

from articles.rendering import render_markdown


def test_markdown_structure_becomes_html():
    html = render_markdown(
        "Opening paragraph.\n\n## NATO membership\n\n> “Our goal is full membership,” he said.\n\n"
        "- one\n- two\n\n1. first\n2. second\n\n*emphasis* and **strong** and [a link](https://example.org/a)"
    )
    assert "<p>Opening paragraph.</p>" in html
    assert "<h2>NATO membership</h2>" in html
    assert "<blockquote>\n<p>“Our goal is full membership,” he said.</p>\n</blockquote>" in html
    assert "<ul>\n<li>one</li>" in html and "<ol>\n<li>first</li>" in html
    assert "<em>emphasis</em>" in html and "<strong>strong</strong>" in html
    assert '<a href="https://example.org/a" rel="noopener noreferrer">a link</a>' in html


def test_a_level_one_heading_is_demoted_because_the_headline_is_the_pages_h1():
    assert render_markdown("# Heading") == "<h2>Heading</h2>"


def test_curly_quotes_and_non_latin_text_are_untouched():
    text = '“than ever,” Rutte said — Україна прагне до НАТО. 東京 ‘quoted’ "straight"'
    html = render_markdown(text)
    assert "“than ever,” Rutte said — Україна прагне до НАТО. 東京 ‘quoted’" in html
    assert "&quot;straight&quot;" in html or '"straight"' in html


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        "<img src=x onerror=alert(1)>",
        '<p onclick="alert(1)">x</p>',
        "<svg onload=alert(1)></svg>",
        "<iframe src=https://evil.example></iframe>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<div style="background:url(javascript:alert(1))">x</div>',
        "<scr<script>ipt>alert(1)</script>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_active_content_never_survives(payload):
    html = render_markdown(f"Before\n\n{payload}\n\nAfter").lower()
    for forbidden in ("<script", "javascript:", "onerror", "onclick", "onload", "<iframe", "<svg", "data:", "style="):
        assert forbidden not in html, (payload, html)
    assert "before" in html  # the text around the payload is kept (an unclosed tag may swallow what follows)
