"""The page chrome every reader page shows (section navigation, footer), rendered once and kept.

The navigation and the footer are the same HTML on thousands of pages: only the content generation
(a renamed section, a new publication page: ``pagecache.generation``), the section the page belongs to
(``aria-current``), whether the page *is* that section's page, the year and the site's name change them.
Each process keeps the HTML per such key until the generation moves on, so a page pays for a dictionary
lookup instead of a loop of ``{% url %}``-like calls and attribute lookups. Links that cannot change
while a process runs (``{% url %}`` with constant arguments, ``{% static %}``) are kept per process too.
"""

from collections.abc import Callable, Hashable
from datetime import datetime
from functools import cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString, mark_safe

from pagecache.generation import current_generation_id

from .models import PublicationPage, SectionTree

# The generation the kept fragments belong to, and the fragments by key.
_kept: tuple[str, dict[Hashable, SafeString]] = ("", {})


def _fragment(key: Hashable, render: Callable[[], SafeString]) -> SafeString:
    """The fragment kept under ``key`` for the current generation, rendered on first use."""
    global _kept
    generation = current_generation_id()
    if _kept[0] != generation:
        _kept = (generation, {})
    fragments = _kept[1]
    html = fragments.get(key)
    if html is None:
        html = fragments[key] = render()
    return html


def section_nav(current_section_slug: str | None, path: str) -> SafeString:
    """The masthead's row of top-level sections, the current one marked ``aria-current``."""
    sections = SectionTree.load().top_level()
    current = next((section for section in sections if section.slug == current_section_slug), None)
    # "page" on the section's own page, "true" on a page inside it (a story, page 2 of the list).
    aria_current = "" if current is None else "page" if path == current.get_absolute_url() else "true"
    key = ("nav", current.slug if current else None, aria_current)
    return _fragment(
        key,
        lambda: render_to_string(
            "includes/section_nav.html",
            {"navigation_sections": sections, "current_section_slug": key[1], "aria_current": aria_current},
        ),
    )


def site_footer(site_name: str, site_tagline: str) -> SafeString:
    """The footer: sections, the publication's pages and the copyright line with this year."""
    # As {% now "Y" %}: the year in the current time zone.
    year = datetime.now(tz=timezone.get_current_timezone() if settings.USE_TZ else None).year
    return _fragment(
        ("footer", site_name, site_tagline, year),
        lambda: render_to_string(
            "includes/site_footer.html",
            {
                "navigation_sections": SectionTree.load().top_level(),
                "publication_pages": PublicationPage.footer_pages(),
                "site_name": site_name,
                "site_tagline": site_tagline,
                "year": year,
            },
        ),
    )


def section_options(selected_slug: str | None) -> SafeString:
    """The search form's ``<option>`` of every section, ``selected`` on the one searched in, as the tree orders them."""
    return _fragment(
        ("section options", selected_slug),
        lambda: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (section.slug, SELECTED if section.slug == selected_slug else "", str(section))
                for section in SectionTree.load().sections
            ),
        ),
    )


SELECTED = mark_safe(" selected")


@cache
def _fixed_url(prefix: str, urlconf: str | None, name: str, args: tuple) -> str:
    return reverse(name, urlconf=urlconf, args=args)


def fixed_url(name: str, *args: str) -> str:
    """``reverse()`` of a link with constant arguments, kept per script prefix and URLconf."""
    return _fixed_url(get_script_prefix(), get_urlconf(), name, args)


@cache
def static_url(path: str) -> str:
    """``static()``, kept: with the manifest storage, its answer only changes with a new deployment."""
    return static(path)


@receiver(setting_changed, dispatch_uid="articles.chrome.forget")
def forget(setting: str, **kwargs) -> None:
    """Tests change settings the kept links and fragments depend on: start again."""
    global _kept
    if setting in {"STORAGES", "STATIC_URL", "ROOT_URLCONF", "SITE_NAME", "SITE_TAGLINE", "TIME_ZONE", "USE_TZ"}:
        _fixed_url.cache_clear()
        static_url.cache_clear()
        _kept = ("", {})
