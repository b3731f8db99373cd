"""The content API's views: thin, over ``Article.objects.published()`` and the models' own loaders."""

from django.core.validators import ProhibitNullCharactersValidator
from django.db.models import Exists, OuterRef
from django.db.models.functions import Coalesce
from django.http import Http404
from django.middleware.gzip import GZipMiddleware
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from taggit.models import Tag

from articles.models import Article, Correction, Section, SectionTree, TaggedArticle
from articles.search import Query, find_stories
from authors.models import Author

from . import changes, pagination
from .caching import add_headers, kept
from .models import Scope
from .serializers import (
    AuthorSerializer,
    ChangeSerializer,
    CorrectionSerializer,
    SectionSerializer,
    StorySerializer,
    StorySummarySerializer,
    TagSerializer,
)
from .stories import published_stories, published_summaries, with_rows

_gzip = GZipMiddleware(lambda request: None)


class ApiView:
    """JSON only, gzipped when the client accepts it, with the reader pages' caching headers."""

    scope = Scope.STORIES
    cached = True  # kept under the content generation (caching.py)
    last_modified = None

    def get(self, request, *args, **kwargs) -> Response:
        if self.cached:
            return kept(request, self, lambda: super(ApiView, self).get(request, *args, **kwargs))
        return super().get(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_headers(request, response, last_modified=self.last_modified, shared=self.cached)
        response.render()
        return _gzip.process_response(request, response)


class Words(serializers.CharField):
    """Text from a query string, any text: NUL characters (which PostgreSQL cannot compare) are dropped.

    Only spaces, tabs and line ends are trimmed: DRF's own trimming (``str.strip``) also eats control
    characters such as U+001E. An empty value is allowed, in the schema too, and means no filter, as an
    empty field of an HTML form does (DRF already skips one that is sent empty).
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(trim_whitespace=False, allow_blank=True, **kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]

    def to_internal_value(self, data) -> str:
        return super().to_internal_value(data).replace("\x00", "").strip(" \t\r\n")


class StoryFilters(serializers.Serializer):
    section = Words(required=False, help_text="A section's slug or id; its subsections included.")
    tag = Words(required=False, help_text="A tag's slug.")
    author = Words(required=False, help_text="An author's slug or id.")
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only stories published or updated at or after this time (ISO 8601)."
    )
    q = Words(required=False, max_length=200, help_text="Words to search for, as the site's search.")


FILTERS = frozenset(StoryFilters().fields)


def _by_slug_or_id(model, value: str):
    if value.isascii() and value.isdigit():
        # Ids fit in 63 bits; a longer number names nothing (and would overflow the database's integer).
        return model.objects.filter(pk=int(value)).first() if len(value) <= 18 else None
    return model.objects.filter(slug=value).first()


class StoryList(ApiView, ListAPIView):
    """Published stories, newest first, with filters: each as a summary, its `api_url` the whole story.

    A list item carries what a list shows (headline, standfirst, section, bylines, tags, lead image, times);
    the body, sources, corrections and SEO fields are the story's own (`/api/v1/stories/{id}/`), fetched
    when `updated_at` moves.
    """

    serializer_class = StorySummarySerializer
    pagination_class = pagination.NewestStoriesFirst

    def paginate_queryset(self, queryset) -> list[Article]:
        return with_rows(super().paginate_queryset(queryset), full=False)

    def get_queryset(self):
        sent = self.request.query_params
        wanted = {}
        if not FILTERS.isdisjoint(sent):  # no filter sent (the newest stories, most asked): nothing to validate
            filters = StoryFilters(data=sent)
            filters.is_valid(raise_exception=True)
            # A parameter sent empty (or only spaces) is no filter; one whose text is dropped (NUL) matches nothing.
            wanted = {
                name: value
                for name, value in filters.validated_data.items()
                if name not in sent or sent[name].strip(" \t\r\n")
            }
        stories = published_summaries()
        # An unknown section, tag or author lists nothing: never whether it exists on hidden stories only.
        if "section" in wanted:
            section = _by_slug_or_id(Section, wanted["section"])
            stories = stories.in_section(section) if section else stories.none()
        if "tag" in wanted:
            stories = stories.filter(
                pk__in=TaggedArticle.objects.filter(tag__slug=wanted["tag"]).values("content_object_id")
            )
        if "author" in wanted:
            author = _by_slug_or_id(Author, wanted["author"])
            stories = stories.by_author(author) if author else stories.none()
        if "updated_since" in wanted:
            stories = stories.alias(changed=Coalesce("revised_at", "published_at")).filter(
                changed__gte=wanted["updated_since"]
            )
        if "q" in wanted:
            # The site's own search, by the same rules; its order is by relevance, the API's newest first.
            stories = stories.filter(pk__in=find_stories(Query.parse(wanted["q"])).order_by().values("pk"))
        return stories

    @extend_schema(parameters=[StoryFilters])
    def get(self, request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class StoryDetail(ApiView, RetrieveAPIView):
    """One published story, by its id (which never changes, unlike its address), with its body."""

    serializer_class = StorySerializer

    def get_queryset(self):
        return published_stories()

    def get_object(self) -> Article:
        return with_rows([super().get_object()], full=True)[0]


class SectionList(ApiView, ListAPIView):
    """Every section, as the tree readers navigate: top-level sections with their subsections inside."""

    serializer_class = SectionSerializer
    pagination_class = None

    def list(self, request, *args, **kwargs) -> Response:
        tree = SectionTree.load()
        context = {**self.get_serializer_context(), "tree": tree}
        return Response(SectionSerializer(tree.top_level(), many=True, context=context).data)


class SectionDetail(ApiView, RetrieveAPIView):
    """One section with its subsections."""

    serializer_class = SectionSerializer

    def retrieve(self, request, *args, **kwargs) -> Response:
        tree = SectionTree.load()
        section = next((section for section in tree.sections if section.pk == kwargs["pk"]), None)
        if section is None:
            raise Http404
        context = {**self.get_serializer_context(), "tree": tree}
        return Response(SectionSerializer(section, context=context).data)


class AuthorList(ApiView, ListAPIView):
    """Authors by name: staff and contributors, as their bylines name them."""

    serializer_class = AuthorSerializer
    pagination_class = pagination.ByName

    def get_queryset(self):
        return Author.objects.all()


class AuthorDetail(ApiView, RetrieveAPIView):
    """One author: anyone who has a byline, on the staff list or not."""

    serializer_class = AuthorSerializer

    def get_queryset(self):
        return Author.objects.all()


class TagList(ApiView, ListAPIView):
    """Tags on at least one published story (a tag on hidden stories only is not shown)."""

    serializer_class = TagSerializer
    pagination_class = pagination.BySlug

    def get_queryset(self):
        # Per tag, its newest stories from the tag's index until one is published: never every story.
        published = Article.objects.published().filter(pk=OuterRef("content_object_id"))
        used = TaggedArticle.objects.filter(tag=OuterRef("pk")).filter(Exists(published))
        return Tag.objects.filter(Exists(used))


class CorrectionList(ApiView, ListAPIView):
    """Corrections, clarifications and updates on published stories, newest first."""

    serializer_class = CorrectionSerializer
    pagination_class = pagination.NewestCorrectionsFirst

    def get_queryset(self):
        return Correction.objects.public().select_related("article__section")


class ChangeFeed(ApiView, ListAPIView):
    """Publications, updates, corrections, unpublications and deletions, oldest first, from ``since``.

    Keep the last answer's ``next`` and ask it again later: it lists what happened since. Removals carry
    the story's id alone; the rest are listed while the story is published. Never cached on the server:
    it moves with the clock (scheduled stories, the settling delay).
    """

    scope = Scope.CHANGES
    cached = False
    serializer_class = ChangeSerializer
    pagination_class = pagination.OldestChangesFirst

    def get_queryset(self):
        return changes.feed()
