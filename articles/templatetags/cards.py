"""``{% story_card %}`` and ``{% byline %}``: a story in a list, and a story's byline.

    {% load cards %}
    {% story_card article heading="h2" layout="list" %}
    <ol>{% story_cards stories heading="h2" layout="list" %}</ol>
    {% byline article link=True %}

The card's markup is ``templates/includes/story_card.html``, written out in Python by ``render_card`` (see
there why). A search snippet arrives escaped and marked by ``articles.search``; everything else is escaped here.
"""

import html
from functools import lru_cache

from django import template
from django.core.files.storage import Storage
from django.core.signals import setting_changed
from django.utils import timezone, translation
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from images.templatetags.pictures import renditions_known, stored_picture
from media_library.models import Image

from ..addresses import local_story_url, section_url
from ..models import Article, joined_names
from ..models.cards import Card, card_of

register = template.Library()

HEADINGS = {"h2", "h3", "h4"}
# Every layout and how wide its picture is drawn, for the browser's choice of rendition (see site.css);
# None: the layout has no picture. "lead" is the front page's top story, "top" the four beside it,
# "headline" the text-only top stories and a section block's others, "compact" Latest and Most read.
IMAGE_SIZES = {
    "lead": "(min-width: 72rem) 41rem, (min-width: 48rem) calc(60vw - 2rem), calc(100vw - 2rem)",
    "top": "(min-width: 72rem) 12rem, (min-width: 48rem) calc(20vw - 1rem), calc(50vw - 1.5rem)",
    "headline": None,
    "compact": None,
    "list": "(min-width: 50rem) 16rem, (min-width: 40rem) calc(33vw - 1rem), calc(100vw - 2rem)",
    "grid": "(min-width: 72rem) 17rem, (min-width: 50rem) calc(33vw - 2rem), (min-width: 33.5rem) calc(50vw - 2rem), "
    "calc(100vw - 2rem)",
}
# Layouts too small for a standfirst.
WITHOUT_STANDFIRST = {"top", "headline", "compact"}


class Shared:
    """What every card on a page shares, looked up once for a whole list: each is a context-local read
    (time zone, language, script prefix, URLconf), which cost more than the rest of a card."""

    __slots__ = ("language", "months", "section_urls", "storage", "tz")

    def __init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.language = translation.get_language()
        self.months = _month_names(self.language)
        self.section_urls: dict[str, str] = {}
        self.storage = _library_storage()

    def section_url(self, slug: str) -> str:
        url = self.section_urls.get(slug)
        if url is None:
            url = self.section_urls[slug] = section_url(slug)
        return url


@register.simple_tag
def story_card(
    article: Article | Card,
    *,
    heading: str = "h3",
    layout: str = "grid",
    show_snippet: bool = False,
    shared: Shared | None = None,
) -> SafeString:
    """A story's card, the same anatomy in every layout: kicker, headline, standfirst (if the layout has room),
    picture (if the layout has one), byline and time. ``layout`` is a key of ``IMAGE_SIZES``.

    ``article`` is a card (``ArticleQuerySet.cards()``: list pages) or a story (search results, with their
    ``search_snippet``). ``shared``: given by ``story_cards`` for all the cards of its list."""
    if heading not in HEADINGS or layout not in IMAGE_SIZES:
        raise template.TemplateSyntaxError(f"story_card takes heading in {sorted(HEADINGS)} and a known layout.")
    return render_card(
        card_of(article),
        heading=heading,
        layout=layout,
        snippet=getattr(article, "search_snippet", "") if show_snippet else "",
        shared=shared or Shared(),
    )


@register.simple_tag
def story_cards(stories: list, *, heading: str = "h3", layout: str = "grid", show_snippet: bool = False) -> SafeString:
    """``{% story_card %}`` of each story, each in its own ``<li>``: a whole list in one tag, its options
    read once (a variable missing from the context, e.g. ``show_snippets``, costs an exception per read)."""
    shared = Shared()
    return mark_safe(
        "".join(
            f"<li>{story_card(story, heading=heading, layout=layout, show_snippet=show_snippet, shared=shared)}</li>"
            for story in stories
        )
    )


def render_card(
    card: Card, *, heading: str, layout: str, snippet: str = "", shared: Shared | None = None
) -> SafeString:
    """The markup of ``templates/includes/story_card.html`` (kept as the card's reference), written here.

    Written in Python rather than rendered from the template: a page has up to fifty cards, and the
    template engine's work per card (a context, a node per tag and variable) was most of what a list
    page cost (bench/instructions.py). Every value is escaped as the template escapes it; the output
    is byte for byte the template's (a test renders both).
    """
    shared = shared or Shared()
    lead = layout == "lead"
    sizes = IMAGE_SIZES[layout]
    shown = card.lead if sizes else None  # the library picture readers may see, if any
    key = None
    if not snippet and card.published_at and (shown is None or renditions_known(shown.name)):
        # Everything the markup depends on: any edit to what the card shows is another key.
        key = (
            card.pk, card.title, card.slug, card.kicker, card.standfirst, card.published_at, card.byline_names,
            shared.section_url(card.section_slug), shown, heading, layout, shared.tz, shared.language,
            id(shared.storage),
        )  # fmt: skip
        if (markup := _CARDS.get(key)) is not None:
            return markup
    parts = [f'<article class="card card--{layout}">']
    if shown is not None:
        parts.append(
            conditional_escape(
                stored_picture(
                    shared.storage,
                    shown.name,
                    shown.width,
                    shown.height,
                    alt=shown.alt,
                    sizes=sizes,
                    # The top story's image is the largest thing on screen, so it loads first.
                    loading="eager" if lead else "lazy",
                    fetchpriority="high" if lead else "",
                    **{"class": "card__image"},
                )
            )
        )
    parts.append('<div class="card__text">')
    if card.kicker:
        parts.append(f'<p class="kicker">{_escape(card.kicker)}</p>')
    published = card.published_at.astimezone(shared.tz) if card.published_at else None
    if published:
        # ``story_url``'s address, from the time already in the newsroom's zone.
        url = local_story_url(shared.section_url(card.section_slug), published, card.slug)
    else:
        url = card.get_absolute_url()
    parts.append(f'<{heading} class="card__title"><a href="{_escape(url)}">{_escape(card.title)}</a></{heading}>')
    if card.standfirst and layout not in WITHOUT_STANDFIRST:
        parts.append(f'<p class="card__standfirst">{_escape(card.standfirst)}</p>')
    if snippet:
        # A search snippet arrives escaped and marked safe by ``articles.search``.
        parts.append(f'<p class="card__snippet">{conditional_escape(snippet)}</p>')
    parts.append('<p class="meta">')
    if card.byline_names:
        parts.append(f'<span class="byline">By {_escape(card.byline_names)}</span> · ')
    if published:
        shown_at = f"{published.day} {shared.months[published.month]} {published.year}, {published:%H:%M}"
        # <time> takes no microseconds.
        parts.append(f'<time datetime="{published.isoformat(timespec="seconds")}">{_escape(shown_at)}</time>')
    parts.append("</p></div></article>")
    markup = mark_safe("".join(parts))
    if key is not None:
        if len(_CARDS) >= _CARDS_LIMIT:
            _CARDS.clear()
        _CARDS[key] = markup
    return markup


# Cards already written, by everything their markup depends on (see render_card): the same story is on
# many pages and every request until it changes. Not kept: a card with a search snippet, a story
# without a publication time (its address has today's date) or a picture whose renditions may still be
# on their way (the original stands in for them). Bounded.
_CARDS: dict[tuple, SafeString] = {}
_CARDS_LIMIT = 5_000


def _forget_cards(setting: str, **kwargs) -> None:
    # Where media is served from, the time zone or the URLs changed (tests): cards written before are forgotten.
    _CARDS.clear()


setting_changed.connect(_forget_cards, dispatch_uid="articles.cards.forget_cards")


def _escape(text: str) -> str:
    # What ``django.utils.html.escape`` and the template's autoescape do to a string (``html.escape``),
    # without their wrappers' checks for lazy strings: a card's fields are plain strings. (Not
    # ``str.translate``: with a table it raises and catches a KeyError inside for every character.)
    return html.escape(text)


@lru_cache(maxsize=32)
def _month_names(language: str | None) -> dict[int, str]:
    # The abbreviated months as the cards show them (“Mar”), in ``language``.
    with translation.override(language):
        return {number: str(name).title() for number, name in MONTHS_3.items()}


def _library_storage() -> Storage:
    # Where library pictures are kept: the storage of ``Image.file`` (the field's, so a test's change reaches it).
    return Image._meta.get_field("file").storage


@register.simple_tag
def byline(article: Article, *, link: bool = False) -> SafeString:
    """The story's authors joined as everywhere else (``joined_names``), each linked to their page if ``link``."""
    if link:
        names = [
            format_html('<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name)
            for author in article.byline_authors
        ]
    else:
        names = [conditional_escape(author.name) for author in article.byline_authors]
    return mark_safe(joined_names(names))
