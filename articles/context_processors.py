from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import to_locale

from .models import PublicationPage, SectionTree


def site(request: HttpRequest) -> dict:
    """The site's name, its navigation and the page's canonical address, for ``base.html``.

    The section list and the publication's pages (the footer) are lazy: pages that do not render the navigation (feeds,
    admin) never query it. The canonical address is the page's own, without
    its query string; paginated lists add their page number (``StoryListView``).
    It is lazy too, because it reads the Host header: the error pages, which
    must render whatever the request holds (an unknown host answers 400), never
    print it and so never ask.
    """
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "site_locale": to_locale(settings.LANGUAGE_CODE),
        "navigation_sections": SimpleLazyObject(lambda: SectionTree.load().top_level()),
        "publication_pages": SimpleLazyObject(PublicationPage.footer_pages),
        "canonical_url": SimpleLazyObject(lambda: request.build_absolute_uri(request.path)),
    }
