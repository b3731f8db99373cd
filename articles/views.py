"""Reader pages: the front page, sections, stories, tags, date archives, search and corrections.

Visibility is never decided here: every query starts from
``Article.objects.published()``. The one exception is a preview, which shows
an unpublished story to a logged-in editor (see ``admin.py``) or to the holder
of a valid secret link, marked never to be cached or indexed.
"""

import re
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.views.generic import ListView
from taggit.models import Tag

from authors.models import Author
from common.content_security import reader_policy
from readership.counting import count_as

from . import previews, search
from .models import Article, Correction, PublicationPage, Section, SectionTree
from .models.cards import cards_by_id
from .most_read import most_read
from .pagination import StoryPaginator
from .rendering import render_page_markdown
from .structured_data import breadcrumb_list, collection_page, front_page_graph, news_article

# Stories another app shows its own way (a live story: ``live``), registered from its ``ready()``: the
# relation to load with the story (so that asking costs no query) and the page, None for other stories.
StoryPage = Callable[..., HttpResponse | None]
_story_pages: list[tuple[str, StoryPage]] = []


def register_story_page(*, related: str, render: StoryPage) -> None:
    """From an app's ``ready()``: ``render(request, article, preview=…)`` answers for the stories it knows."""
    if (related, render) not in _story_pages:
        _story_pages.append((related, render))


def front_page(request: HttpRequest) -> HttpResponse:
    """The lead and top stories, Latest, Most read and the sections' blocks (``articles.models.front_page``)."""
    tree = SectionTree.load()
    front = Article.objects.front_page(tree, most_read=most_read())  # the stories readers see: published()
    return render(request, "articles/front_page.html", {"front": front, "structured_data": front_page_graph(request)})


class NumberedPages:
    """Page 2 and later of a list say so in their title and heading: ``page_suffix`` is “ — page 2”."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        context["page_suffix"] = f" — page {page.number}" if page is not None and page.number > 1 else ""
        return context


class StoryListView(NumberedPages, ListView):
    """A paginated list of published stories; bad ``?page=`` values answer 404."""

    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def stories(self):
        raise NotImplementedError

    def count_key(self) -> str | None:
        """Names this list for caching its length; None counts on every request."""
        return None

    # More columns read beside each page's ids (see StoryPaginator); the first row's are in ``first_row``.
    with_ids: tuple[str, ...] = ()
    # Load each page in one query rather than its ids first (see StoryPaginator): lists bounded by id.
    load_directly = False

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        # Not ListView's get(): with allow_empty False it asks the database whether the list is empty,
        # which the paginator already answers from the count it caches (an empty first page is a 404).
        self.object_list = self.get_queryset()
        return self.render_to_response(self.get_context_data())

    def get_queryset(self):
        return self.stories().newest_first()

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        self.paginator = StoryPaginator(
            queryset, per_page, orphans=orphans, allow_empty_first_page=allow_empty_first_page,
            load=lambda stories: stories.cards(), load_by_id=cards_by_id, count_key=self.count_key(),
            with_ids=self.with_ids,
            directly=self.load_directly,
        )  # fmt: skip
        return self.paginator

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = context["page_obj"]
        if page is not None and page.number > 1:
            # Each page of a list is its own page to search engines, not a copy of the first.
            context["canonical_url"] = self.request.build_absolute_uri(f"{self.request.path}?page={page.number}")
        return context


class SectionView(StoryListView):
    template_name = "articles/section.html"

    def stories(self):
        self.tree = SectionTree.load()
        self.section = self.tree.get(self.kwargs["section"])
        if self.section is None:
            raise Http404("No such section.")
        return Article.objects.published().filter(section_id__in=self.tree.family_ids(self.section))

    def count_key(self) -> str:
        return f"section:{self.section.pk}"

    def get_context_data(self, **kwargs):
        section = self.section
        trail = [(section.parent.name, section.parent.get_absolute_url())] if section.parent else []
        structured_data = [
            collection_page(
                self.request, name=section.name, description=section.description or section.name,
                url=section.get_absolute_url(),
            ),
            breadcrumb_list(self.request, [*trail, (section.name, section.get_absolute_url())]),
        ]  # fmt: skip
        return super().get_context_data(
            section=section, subsections=self.tree.children(section), structured_data=structured_data,
            most_read=most_read(section, self.tree),
            current_section_slug=self.tree.top_of(section.slug).slug, **kwargs,
        )  # fmt: skip


class TagView(StoryListView):
    """A tag's stories. The tag is found by its slug in the query of the page's ids, which also reads
    its name: no query of its own."""

    template_name = "articles/tag.html"
    # A tag used only on unpublished stories must not reveal that it exists: no stories, no page (404).
    allow_empty = False
    with_ids = ("tagged_items__tag_id", "tagged_items__tag__name")

    def stories(self):
        return Article.objects.published().filter(tagged_items__tag__slug=self.kwargs["slug"])

    def count_key(self) -> str:
        return f"tag:{self.kwargs['slug']}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not self.paginator.first_row:  # the count said stories, the page found none: no tag to show
            raise Http404("No such tag.")
        tag_id, name = self.paginator.first_row
        return {**context, "tag": Tag(pk=tag_id, name=name, slug=self.kwargs["slug"])}


def story_detail(request: HttpRequest, section: str, year: int, month: int, day: int, slug: str) -> HttpResponse:
    try:
        article = Article.objects.published_story_page(slug, related=tuple(name for name, _ in _story_pages))
    except Article.DoesNotExist:
        # An address the story had before an editor changed it: links to it keep working.
        moved = Article.objects.published().select_related("section").filter(former_slugs__slug=slug).first()
        if moved is None:
            raise Http404("No such story.") from None
        return HttpResponsePermanentRedirect(moved.get_absolute_url())
    canonical = article.get_absolute_url()
    if request.path != canonical:
        # The section or date in the address is stale (the story moved, or a
        # link was mistyped): send readers and search engines to the real one.
        return HttpResponsePermanentRedirect(canonical)
    response = render_story(request, article)
    count_as(response, article.pk)  # a read, if a reader rather than a bot gets it (readership.counting)
    return response


def render_story(request: HttpRequest, article: Article, *, preview: str = "") -> HttpResponse:
    """The story page. With ``preview`` (a banner text) it is marked never to be cached or indexed."""
    article.take_page_parts()
    for _, page in _story_pages:
        if (response := page(request, article, preview=preview)) is not None:
            return response
    related, more_from_section = article.neighbours()
    response = render(
        request,
        "articles/story.html",
        {
            "article": article,
            "related": related,
            "more_from_section": more_from_section,
            "corrections": article.corrections_shown,
            "structured_data": [
                news_article(article, request),
                breadcrumb_list(
                    request,
                    [
                        (article.section.name, article.section.get_absolute_url()),
                        (article.title, article.get_absolute_url()),
                    ],
                ),
            ],
            "preview_banner": preview,
            "current_section_slug": getattr(SectionTree.load().top_of(article.section.slug), "slug", None),
        },
    )
    if preview:
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
    frame_hosts = article.body_media.frame_hosts
    if frame_hosts:
        # Only a page with embeds may frame anything, and only its providers' frames (after a click).
        response["Content-Security-Policy"] = reader_policy(frame_hosts)
    return response


def preview_link(request: HttpRequest, token: str) -> HttpResponse:
    """A story shown through a secret link: only while the link is valid, and every opening is logged."""
    link = previews.open_link(token, request)
    if link is None:
        raise Http404("No such preview.")
    if not link.is_active:
        response = render(request, "articles/preview_expired.html", status=410)
        add_never_cache_headers(response)
        return response
    article = Article.objects.for_story_page().get(pk=link.article_id)
    return render_story(request, article, preview="Preview — not published. Please do not share this link.")


def publication_page(request: HttpRequest, slug: str) -> HttpResponse:
    """One of the publication's own pages (about, contact, privacy…), written by editors in the admin."""
    page = get_object_or_404(PublicationPage, slug=slug)
    return render(request, "articles/publication_page.html", {"page": page, "body": render_page_markdown(page.body)})


class CorrectionsView(NumberedPages, ListView):
    """Recent corrections, clarifications and updates, newest first: the public record."""

    template_name = "articles/corrections.html"
    context_object_name = "corrections"
    paginate_by = 30

    def get_queryset(self):
        return Correction.objects.public().select_related("article__section").order_by("-created_at", "-pk")


def archive_index(request: HttpRequest) -> HttpResponse:
    months = Article.objects.published().dates("published_at", "month", order="DESC")
    return render(request, "articles/archive_index.html", {"months": months})


class ArchiveView(StoryListView):
    """A year's or a month's published stories; dates that do not exist, or hold no stories, are 404."""

    template_name = "articles/archive.html"
    allow_empty = False

    def stories(self):
        self.year, self.month = self.kwargs["year"], self.kwargs.get("month")
        try:
            return Article.objects.published().dated(self.year, self.month)
        except ValueError:
            raise Http404("No such date.") from None

    def count_key(self) -> str:
        return f"archive:{self.year}:{self.month}"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.month is None:
            context["months"] = Article.objects.published().dated(self.year).dates("published_at", "month")
        month = date(self.year, self.month, 1) if self.month else None
        trail = [
            ("Archive", reverse("articles:archive_index")),
            (str(self.year), reverse("articles:archive_year", args=[self.year])),
        ]
        if month:
            trail.append((date_format(month, "F Y"), reverse("articles:archive_month", args=[self.year, self.month])))
        structured_data = breadcrumb_list(self.request, trail)
        return {**context, "year": self.year, "month": month, "structured_data": structured_data}


class SearchView(NumberedPages, ListView):
    """Search results; every kind of input answers with a page, never an error.

    Filters that cannot be understood (an unknown section or author, a date that does not exist)
    are left out, and the page says so.
    """

    template_name = "articles/search.html"
    paginate_by = settings.STORIES_PER_PAGE
    context_object_name = "stories"

    def get_queryset(self):
        self.query = search.Query.parse(self.request.GET.get("q", ""))
        self.ignored: list[str] = []
        self.tree = SectionTree.load()
        self.filters = search.Filters(
            section=self._named(Section, "section"),
            author=self._named(Author, "author"),
            since=self._date("from"),
            until=self._date("to"),
        )
        sort = self.request.GET.get("sort", "")
        self.sort = sort if sort in search.Sort.values else search.Sort.RELEVANCE
        return search.search_results(self.query, filters=self.filters, sort=self.sort)

    def _named(self, model, parameter: str):
        slug = self.request.GET.get(parameter, "")
        if not slug:
            return None
        # Slugs here are ASCII; anything else cannot name one (and NUL bytes never reach the database).
        if not re.fullmatch(r"[-\w]{1,140}", slug, re.ASCII):
            found = None
        elif model is Section:
            found = self.tree.get(slug)  # the process's section tree: no query
        else:
            found = model.objects.filter(slug=slug).first()
        if found is None:
            self.ignored.append(f"{parameter} “{slug[:40]}”")
        return found

    def _date(self, parameter: str) -> date | None:
        text = self.request.GET.get(parameter, "").strip()
        if not text:
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text, re.ASCII):
                return date.fromisoformat(text)
        except ValueError:
            pass
        self.ignored.append(f"{parameter} date “{text[:40]}”")
        return None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Pagination links carry the cleaned query and the filters understood, not whatever arrived.
        pagination_query = QueryDict(mutable=True)
        pagination_query["q"] = self.query.text
        filters = self.filters
        for name, value in (
            ("section", getattr(filters.section, "slug", "")),
            ("author", getattr(filters.author, "slug", "")),
            ("from", filters.since.isoformat() if filters.since else ""),
            ("to", filters.until.isoformat() if filters.until else ""),
            ("sort", "" if self.sort == search.Sort.RELEVANCE else self.sort),
        ):
            if value:
                pagination_query[name] = value
        return {
            **context,
            "query": self.query,
            "section": filters.section,
            "filters": filters,
            "sort": self.sort,
            "sorts": search.Sort.choices,
            "ignored_filters": self.ignored,
            "pagination_query": pagination_query,
            "max_query_length": search.MAX_QUERY_LENGTH,
            "phrase_search": search.uses_full_text(),
        }
