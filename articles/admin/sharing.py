"""The story form's previews of how the story will look as a search result and as a social card.

Rendered on the server from the saved story, with the fallbacks readers' pages use (``search_title``,
``search_description``, ``sharing_image``); the elements keep stable ids (``search-preview``,
``social-preview``) so the writing desk (``static/desk/desk.js``) updates them as the journalist types, with
the same fallbacks and cuts; change one and change the other.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from ..models import Article

# Roughly what search engines and social networks show before they cut the text off.
SEARCH_TITLE_LENGTH = 60
SEARCH_DESCRIPTION_LENGTH = 160


def _address(article: Article) -> str:
    site = urlsplit(settings.SITE_URL).netloc or settings.SITE_URL
    if article.pk is None or article.section_id is None:
        return site
    return f"{site}{article.get_absolute_url()}"


def search_preview(article: Article) -> SafeString:
    """A search result: address, title and description, cut where search engines cut them."""
    return format_html(
        '<div id="search-preview" class="sharing-preview search-preview">'
        '<span class="search-preview__address">{}</span>'
        '<span class="search-preview__title">{}</span>'
        '<span class="search-preview__description">{}</span></div>',
        _address(article),
        Truncator(article.search_title or "The headline appears here").chars(SEARCH_TITLE_LENGTH),
        Truncator(article.search_description or "The standfirst appears here.").chars(SEARCH_DESCRIPTION_LENGTH),
    )


def social_card_preview(article: Article) -> SafeString:
    """A social card: the sharing picture (or a note that there is none), the site, title and description."""
    image = article.sharing_image
    picture = (
        format_html('<img class="social-preview__image" src="{}" alt="{}">', image.file.url, image.alt)
        if image
        else format_html('<span class="social-preview__no-image">{}</span>', "No picture: add a lead or social image")
    )
    return format_html(
        '<div id="social-preview" class="sharing-preview social-preview">{}'
        '<span class="social-preview__site">{}</span>'
        '<span class="social-preview__title">{}</span>'
        '<span class="social-preview__description">{}</span></div>',
        picture,
        urlsplit(settings.SITE_URL).netloc or settings.SITE_NAME,
        article.search_title or "The headline appears here",
        Truncator(article.search_description or "The standfirst appears here.").chars(SEARCH_DESCRIPTION_LENGTH),
    )
