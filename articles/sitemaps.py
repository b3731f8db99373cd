"""What search engines are told to crawl: the sitemap index and the Google News sitemap.

The index lists sitemaps of sections, stories (split into pages), authors with
published stories and tags with published stories, each with the time a story
on it was last published or updated. Everything starts from
``Article.objects.published()``. Those dates are aggregates over every published
story, so each is worked out once per content generation (``pagecache.store.remember``).
"""

import gzip
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap, x_robots_tag
from django.contrib.sites.shortcuts import get_current_site
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape
from django.utils.http import http_date
from taggit.models import Tag

from authors.models import Author
from pagecache.store import remember

from .addresses import story_url
from .models import Article, ArticleQuerySet, Section, SectionTree
from .pagination import CountCachingPaginator

# Google News reads stories published in the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


class LastChangedSitemap(Sitemap):
    """Pages of things with published stories (authors, tags), each dated by its latest story.

    Items are loaded once per instance, and the views make one instance per request.
    """

    model: type[models.Model]
    # The Article lookup that leads from a story to its items, e.g. "bylines__author".
    stories_lookup: str

    def load(self) -> list:
        last_changed = remember(
            f"sitemap:last-changed:{self.stories_lookup}",
            lambda: Article.objects.published().last_changed_by(self.stories_lookup),
        )
        items = list(self.model.objects.filter(pk__in=last_changed).order_by("pk"))
        for item in items:
            item.last_changed = last_changed[item.pk]
        return items

    @cached_property
    def loaded(self) -> list:
        return self.load()

    def items(self) -> list:
        return self.loaded

    def lastmod(self, item) -> datetime | None:
        return item.last_changed

    def get_latest_lastmod(self) -> datetime | None:
        return max((item.last_changed for item in self.items() if item.last_changed), default=None)


class SectionSitemap(LastChangedSitemap):
    """Every section, even one without stories yet: its page exists."""

    def load(self) -> list[Section]:
        tree = SectionTree.load()
        last_changed = remember(
            "sitemap:last-changed:section", lambda: Article.objects.published().last_changed_by("section")
        )
        for section in tree.sections:
            # A section page lists its subsections' stories too.
            family = [last_changed[pk] for pk in tree.family_ids(section) if pk in last_changed]
            section.last_changed = max(family, default=None)
        return tree.sections


class AuthorSitemap(LastChangedSitemap):
    model = Author
    stories_lookup = "bylines__author"


class TagSitemap(LastChangedSitemap):
    model = Tag
    stories_lookup = "tagged_items__tag"

    def location(self, tag: Tag) -> str:
        return reverse("articles:tag", kwargs={"slug": tag.slug})


class StoryEntry(NamedTuple):
    """A story as its sitemap needs it: 5,000 per page, so plain tuples rather than model instances."""

    section_slug: str
    slug: str
    published_at: datetime
    revised_at: datetime | None

    def get_absolute_url(self) -> str:
        return story_url(self.section_slug, self.published_at, self.slug)


class StorySitemap(Sitemap):
    """Every published story, oldest first, 5,000 to a page (the index counts the pages; ``story_sitemap``
    writes them)."""

    limit = 5000

    def items(self):
        # Oldest first, so a page keeps its stories as new ones are published.
        rows = Article.objects.published().order_by("published_at", "pk")
        return rows.values_list("section__slug", "slug", "published_at", "revised_at")

    @cached_property
    def paginator(self) -> CountCachingPaginator:
        # The index needs the number of pages: counted once per content generation, not per request.
        return CountCachingPaginator(self._items(), self.limit, count_key="sitemap:stories")

    def location(self, item) -> str:
        return StoryEntry(*item).get_absolute_url()

    def lastmod(self, item) -> datetime | None:
        entry = StoryEntry(*item)
        return entry.revised_at or entry.published_at

    def get_latest_lastmod(self) -> datetime | None:
        return remember("sitemap:last-changed", Article.objects.published().last_changed)


@dataclass(frozen=True)
class SitemapPage:
    """A story sitemap page as sent: gzip-compressed once, with its newest change for ``Last-Modified``."""

    gzipped: bytes
    last_modified: datetime | None


def story_sitemap_page(base_url: str, number: int) -> SitemapPage | None:
    """Page ``number`` of the story sitemap for a site at ``base_url``, or None past the last page.

    The page's ids come from the index alone (however deep the page, the stories before it are
    never read), then its 5,000 rows as plain tuples, written as XML without a template.
    """
    limit = StorySitemap.limit
    oldest_first = Article.objects.published().order_by("published_at", "pk").values_list("pk", flat=True)
    ids = list(oldest_first[(number - 1) * limit : number * limit])
    if not ids and number > 1:
        return None
    rows = Article.objects.filter(pk__in=ids).values_list("pk", "section__slug", "slug", "published_at", "revised_at")
    by_id = {row[0]: StoryEntry(*row[1:]) for row in rows}
    # Byte for byte what Django's sitemap view and templates/sitemaps/sitemap.xml write.
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n']
    last_modified = None
    for pk in ids:
        entry = by_id[pk]
        changed = entry.revised_at or entry.published_at
        last_modified = changed if last_modified is None else max(last_modified, changed)
        location = escape(base_url + entry.get_absolute_url())
        lines.append(f"<url><loc>{location}</loc><lastmod>{changed.isoformat()}</lastmod></url>\n")
    lines.append("\n</urlset>\n")
    return SitemapPage(gzip.compress("".join(lines).encode(), compresslevel=6, mtime=0), last_modified)


@x_robots_tag
def story_sitemap(request: HttpRequest) -> HttpResponse:
    """A page of the story sitemap, built once per content generation (kept gzip-compressed: 830 KB of XML
    for 5,000 stories is 10 times smaller so).

    Sent as plain XML: the page cache stores it with its compressed copies and answers each client in the
    encoding it accepts (``pagecache.compression``), like every reader page.
    """
    page = request.GET.get("p", "1")
    if not page.isascii() or not page.isdigit() or int(page) < 1:
        raise Http404(f"No page {page[:20]!r}")
    base_url = f"{request.scheme}://{get_current_site(request).domain}"
    built = remember(f"sitemap:stories:{base_url}:{int(page)}", lambda: story_sitemap_page(base_url, int(page)) or "")
    if not built:
        raise Http404(f"Page {page} empty")
    headers = {"Last-Modified": http_date(built.last_modified.timestamp())} if built.last_modified else {}
    return HttpResponse(gzip.decompress(built.gzipped), content_type="application/xml", headers=headers)


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self) -> ArticleQuerySet:
        recent = Article.objects.published().filter(published_at__gte=timezone.now() - NEWS_WINDOW)
        return (
            recent.newest_first()
            .select_related("section")
            .only("title", "slug", "published_at", "created_at", "section__slug")[:NEWS_LIMIT]
        )


# Classes, not instances: the sitemap views make one per request, so nothing is shared between requests.
SITEMAPS = {"sections": SectionSitemap, "stories": StorySitemap, "authors": AuthorSitemap, "tags": TagSitemap}


def news_sitemap(request: HttpRequest) -> TemplateResponse:
    """The Google News sitemap: the last two days' stories, with the publication's name and language."""
    response = sitemap(request, {"news": NewsSitemap}, template_name="sitemaps/news.xml")
    response.context_data["publication"] = {"name": settings.SITE_NAME, "language": news_language()}
    return response


def news_language(language_code: str | None = None) -> str:
    """Google News's code for the site's language: ISO 639, except zh-cn and zh-tw for Chinese."""
    code = (language_code or settings.LANGUAGE_CODE).lower()
    if code in {"zh-hans", "zh-cn", "zh-sg"}:
        return "zh-cn"
    if code in {"zh-hant", "zh-tw", "zh-hk", "zh-mo"}:
        return "zh-tw"
    return code.split("-")[0]
