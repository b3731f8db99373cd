from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .models import Section


def site(request: HttpRequest) -> dict:
    """The site's name and its navigation, for ``base.html``.

    The section list is lazy: pages that do not render the navigation (feeds,
    admin) never query it.
    """
    return {
        "site_name": settings.SITE_NAME,
        "site_tagline": settings.SITE_TAGLINE,
        "navigation_sections": SimpleLazyObject(lambda: list(Section.objects.top_level())),
    }
