"""What a page tells search engines and social sites: absolute URLs, sharing cards, JSON-LD, machine dates."""

import json
from datetime import datetime

from django import template
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import to_locale

from articles import chrome
from articles.models import Section
from articles.structured_data import CARD, CARD_SIZE, LOGO

register = template.Library()

# As Django's json_script: inside a <script>, "<", ">" and "&" are written as
# JSON escapes, so no string in the data can close the element or open another.
_SCRIPT_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))


def _script_escaped(text: str) -> str:
    # Three ``str.replace`` rather than ``str.translate`` with a table (as json_script): translate raises
    # and catches a LookupError inside for every character the table lacks, a tenth of a story page's
    # instructions for its JSON-LD (bench/instructions.py).
    for character, escaped in _SCRIPT_ESCAPES:
        text = text.replace(character, escaped)
    return text


@register.filter(is_safe=True)
def json_ld(data: dict | list[dict]) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element; a list, as one element per item."""
    items = data if isinstance(data, list) else [data]
    texts = (_script_escaped(json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False)) for item in items)
    return format_html_join("\n  ", '<script type="application/ld+json">{}</script>', ((mark_safe(t),) for t in texts))


@register.filter
def machine_time(value: datetime | None) -> str:
    """A ``<time datetime>`` value: local time to the second, with its offset.

    ``date:"c"`` keeps the microseconds, six digits the HTML standard refuses (at most three).
    """
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


@register.simple_tag(takes_context=True)
def sharing_card_image(context: template.Context) -> dict:
    """The publication's sharing card (absolute ``url``, ``width``, ``height``), for pages without a picture."""
    width, height = CARD_SIZE
    return {"url": context["request"].build_absolute_uri(chrome.static_url(CARD)), "width": width, "height": height}


@register.inclusion_tag("includes/sharing.html", takes_context=True)
def sharing_card(
    context: template.Context, title: str = "", description: str = "", *, canonical: bool = True, portrait=None
) -> dict:
    """Open Graph and Twitter card tags: the publication's card, or ``portrait`` (a library picture) as a small card.

    ``title`` and ``description`` default to the publication's name and tagline; ``canonical=False``
    (error pages) leaves out ``og:url``, since such a page has no address of its own to share.
    ``portrait`` (an author's photo) shares as Twitter's square ``summary`` card.
    """
    if portrait:
        url = context["request"].build_absolute_uri(portrait.file.url)
        card = {"url": url, "width": portrait.width, "height": portrait.height}  # stored sizes: no file opened
    else:
        card = sharing_card_image(context)
    return {
        "twitter_card": "summary" if portrait else "summary_large_image",
        "site_name": context["site_name"],
        "site_locale": context["site_locale"],
        "url": context["canonical_url"] if canonical else "",
        "title": title or context["site_name"],
        "description": description or context["site_tagline"],
        "image": card["url"],
        "image_width": card["width"],
        "image_height": card["height"],
        "image_alt": portrait.alt_text if portrait else context["site_name"],
    }


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    """``url`` (a path, or already absolute) as an absolute URL for this request."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag
def publisher_logo() -> str:
    """The static URL of the publication's logo (icon, default sharing image, JSON-LD logo)."""
    return chrome.static_url(LOGO)


@register.simple_tag
def html_lang() -> str:
    """``<html lang>``: the site's ``LANGUAGE_CODE`` as a language tag (``en-gb`` reads ``en-GB``).

    A tag rather than a context variable: the standalone error pages render without the context processors.
    """
    return to_locale(settings.LANGUAGE_CODE).replace("_", "-")


@register.simple_tag
def static_url(path: str) -> str:
    """``{% static %}``, kept per process (``articles.chrome``): base.html's links on every page."""
    return chrome.static_url(path)


@register.simple_tag
def fixed_url(name: str, *args: str) -> str:
    """``{% url %}`` of a link whose arguments are constants, kept per process (``articles.chrome``)."""
    return chrome.fixed_url(name, *args)


@register.simple_tag(takes_context=True)
def section_nav(context: template.Context) -> SafeString:
    """The masthead's sections, kept per content generation (``articles.chrome``)."""
    request = context.get("request")
    return chrome.section_nav(context.get("current_section_slug"), request.path if request else "")


@register.simple_tag
def section_options(selected: Section | None) -> SafeString:
    """The search form's sections, kept per content generation (``articles.chrome``)."""
    return chrome.section_options(selected.slug if selected is not None else None)


@register.simple_tag(takes_context=True)
def site_footer(context: template.Context) -> SafeString:
    """The footer, kept per content generation and year (``articles.chrome``)."""
    return chrome.site_footer(context["site_name"], context["site_tagline"])
