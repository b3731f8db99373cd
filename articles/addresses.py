"""The addresses of sections and stories, built for every card on a page.

``STORY_ROUTE`` is the story's route in ``articles/urls.py``, and ``story_url`` fills it in; the
model, the sitemap and the cards all use ``story_url``, and a test checks it against ``reverse()``.
Reversing costs more than the rest of a story card and a page links to dozens of stories in a
handful of sections, so each section's address is reversed once per script prefix and URLconf
(keyed on both, so a deployment under a sub-path or a test's own URLconf gets its own answers).
"""

from datetime import datetime
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

SECTION_ROUTE = "<slug:section>/"
STORY_ROUTE = SECTION_ROUTE + "<int:year>/<int:month>/<int:day>/<uslug:slug>/"


@lru_cache(maxsize=1024)
def _section_url(slug: str, prefix: str, urlconf: str | None) -> str:
    return reverse("articles:section", kwargs={"section": slug}, urlconf=urlconf)


def section_url(slug: str) -> str:
    """A section page's address."""
    return _section_url(slug, get_script_prefix(), get_urlconf())


def story_url(section_slug: str, moment: datetime, slug: str) -> str:
    """A story's address: ``STORY_ROUTE`` with its section, its local publication date and its slug."""
    return local_story_url(section_url(section_slug), timezone.localtime(moment), slug)


def local_story_url(section_address: str, when: datetime, slug: str) -> str:
    """``story_url`` from its section's address (``section_url``) and a moment already in the newsroom's
    time zone: a list of cards has both at hand for every card."""
    return f"{section_address}{when.year}/{when.month:02d}/{when.day:02d}/{slug}/"
