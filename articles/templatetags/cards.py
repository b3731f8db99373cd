"""``{% story_card %}``: one story in a list (front page, sections, tags, authors, search, related).

A page lists up to fifty of these, so the card is built in Python rather than
by including a template for each one: the markup is the same, at a fraction of
the cost (see docs/performance.md). Every value from the story is escaped with
the standard library's ``html.escape`` (quotes included); the one exception is a
search snippet, which ``articles.search`` has already escaped and marked.

    {% load cards %}
    {% story_card article heading="h2" layout="list" %}
"""

from html import escape

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from images.templatetags.pictures import picture

register = template.Library()

HEADINGS = {"h2", "h3", "h4"}
# How wide the card's image is drawn, for the browser's choice of rendition (see site.css).
IMAGE_SIZES = {
    "lead": "(min-width: 72rem) 41rem, (min-width: 48rem) calc(60vw - 2rem), calc(100vw - 2rem)",
    "list": "(min-width: 50rem) 16rem, (min-width: 40rem) calc(33vw - 1rem), calc(100vw - 2rem)",
    "grid": "(min-width: 72rem) 17rem, (min-width: 50rem) calc(33vw - 2rem), (min-width: 33.5rem) calc(50vw - 2rem), "
    "calc(100vw - 2rem)",
}


@register.simple_tag
def story_card(article, *, heading: str = "h3", layout: str = "grid", show_snippet: bool = False) -> SafeString:
    """A story's card. ``layout`` is "grid", "list" or "lead" (the front page's top story)."""
    if heading not in HEADINGS or layout not in IMAGE_SIZES:
        raise template.TemplateSyntaxError(f"story_card takes heading in {sorted(HEADINGS)} and a known layout.")
    lead = layout == "lead"
    parts = [
        '<article class="card card--lead">' if lead else '<article class="card">',
        picture(
            article.lead_image,
            alt=article.lead_image_alt,
            sizes=IMAGE_SIZES[layout],
            # The top story's image is the largest thing on screen, so it loads first.
            loading="eager" if lead else "lazy",
            fetchpriority="high" if lead else "",
            **{"class": "card__image"},
        ),
        '<div class="card__text">',
    ]
    if article.kicker:
        parts.append(f'<p class="kicker">{escape(article.kicker)}</p>')
    parts.append(
        f'<{heading} class="card__title"><a href="{escape(article.get_absolute_url())}">{escape(article.title)}</a>'
        f"</{heading}>"
    )
    if article.standfirst:
        parts.append(f'<p class="card__standfirst">{escape(article.standfirst)}</p>')
    snippet = getattr(article, "search_snippet", "") if show_snippet else ""
    if snippet:
        parts.append(f'<p class="card__snippet">{snippet}</p>')  # escaped and marked by articles.search
    parts.append('<p class="meta">')
    if article.byline_names:
        parts.append(f'<span class="byline">By {escape(article.byline_names)}</span> · ')
    if article.published_at:
        published = timezone.localtime(article.published_at)
        shown = f"{published.day} {MONTHS_3[published.month].title()} {published.year}, {published:%H:%M}"
        parts.append(f'<time datetime="{published.isoformat()}">{shown}</time>')
    parts.append("</p></div></article>")
    return mark_safe("".join(parts))
