"""``{% story_card %}`` and ``{% byline %}``: a story in a list, and a story's byline.

    {% load cards %}
    {% story_card article heading="h2" layout="list" %}
    {% byline article link=True %}

The card is ``templates/includes/story_card.html``; this tag only picks its image sizes and priority.
A search snippet arrives escaped and marked by ``articles.search``; everything else is escaped there.
"""

from django import template
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from images.templatetags.pictures import picture

from ..models import Article, joined_names

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


@register.inclusion_tag("includes/story_card.html")
def story_card(article: Article, *, heading: str = "h3", layout: str = "grid", show_snippet: bool = False) -> dict:
    """A story's card, the same anatomy in every layout: kicker, headline, standfirst (if the layout has room),
    picture (if the layout has one), byline and time. ``layout`` is a key of ``IMAGE_SIZES``."""
    if heading not in HEADINGS or layout not in IMAGE_SIZES:
        raise template.TemplateSyntaxError(f"story_card takes heading in {sorted(HEADINGS)} and a known layout.")
    lead = layout == "lead"
    # Worked out here rather than with template tags and filters: a page has up to fifty cards, and
    # this halves what each costs (bench/instructions.py); the markup stays in the template.
    sizes = IMAGE_SIZES[layout]
    shown = article.lead if sizes else None  # the library picture readers may see, if any
    published = timezone.localtime(article.published_at) if article.published_at else None
    # Plain values, not the story: each ``article.x`` lookup in a template first tries ``article["x"]``.
    return {
        "card_class": f"card card--{layout}",
        "heading": heading,
        "image": picture(
            shown.file,
            alt=shown.alt,
            sizes=sizes,
            # The top story's image is the largest thing on screen, so it loads first.
            loading="eager" if lead else "lazy",
            fetchpriority="high" if lead else "",
            **{"class": "card__image"},
        )
        if shown
        else "",
        "kicker": article.kicker,
        "title": article.title,
        "url": article.get_absolute_url(),
        "standfirst": "" if layout in WITHOUT_STANDFIRST else article.standfirst,
        "byline": article.byline_names,
        "snippet": getattr(article, "search_snippet", "") if show_snippet else "",
        "published": published and published.isoformat(timespec="seconds"),  # <time> takes no microseconds
        "published_shown": published
        and f"{published.day} {MONTHS_3[published.month].title()} {published.year}, {published:%H:%M}",
    }


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
