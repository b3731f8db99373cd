"""What a story's page shows from other tables, stored with the story: ``Article.page_parts``.

The story page shows the bylines (names, links, roles, bios, photos), the tags, the sources, the
corrections and the body's library pictures. Read from their tables, that is five more queries on every
uncached story page, and building and compiling them cost more than the rest of the page. So each story
stores them (JSON, in the same row) and the page reads them with the story: one query.

The parts are written at each save of the story (``Article.save``: a body naming other pictures) and
whenever one of them changes, in the same transaction as the change (``articles.signals``): a byline,
tag link, source link or correction of the story, or an author, a tag, a source or a library picture
(an author's photo, a picture in the body) they name. Bulk writes that send no signals
(``bulk_create``, ``QuerySet.update``) leave them as they were: whoever writes in bulk calls
``ArticleQuerySet.refresh_page_parts()`` after (``generate_newsroom``, ``load_demo``). A story whose
parts were never written (``{}``: made in bulk, or before this existed) reads the tables instead,
as before.

Only data is stored, never HTML: what depends on the day or on files (a photo's licence running out,
its renditions being ready) is decided on each render, as for the story's own lead picture.
"""

from collections.abc import Iterable
from datetime import date, datetime

from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.dateparse import parse_date, parse_datetime
from taggit.models import Tag

from authors.models import Author
from media_library.models import Image

from ..body_media import picture_ids
from .body_pictures import BodyPicture
from .records import Correction
from .sources import Source
from .stories import Article, Byline, TaggedArticle

# Bumped when the stored shape changes: parts of another shape are read from the tables instead.
FORMAT = 2


def _in_model_order(model: type[models.Model], *names: str) -> tuple[str, ...]:
    """``names`` in the order of the model's fields: ``Model.from_db`` takes values in that order."""
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


# What the page (and its JSON-LD) reads of each; other fields are deferred (a query if ever read).
AUTHOR_FIELDS = _in_model_order(Author, "id", "name", "slug", "role", "bio", "x_handle", "photo_id")
IMAGE_FIELDS = tuple(field.attname for field in Image._meta.concrete_fields)
TAG_FIELDS = _in_model_order(Tag, "id", "name", "slug")
SOURCE_FIELDS = _in_model_order(Source, "id", "name", "url")
CORRECTION_FIELDS = _in_model_order(Correction, "id", "article_id", "kind", "note", "created_at")


def empty() -> dict:
    """The parts of a story with no bylines, tags, sources, corrections or pictures in its body: a new one."""
    return {"v": FORMAT, "bylines": [], "tags": [], "sources": [], "corrections": [], "pictures": []}


def body_pictures(body_html: str) -> list[list]:
    """The library pictures a body names, as stored (one query when it names any)."""
    ids = picture_ids(body_html)
    return [_json(values) for values in Image.objects.filter(pk__in=ids).values_list(*IMAGE_FIELDS)] if ids else []


def collect(article_ids: list[int], *, bodies: dict[int, str] | None = None) -> dict[int, dict]:
    """Each story's parts, read from the tables in five queries however many stories.

    ``bodies``: a story's body about to be saved, whose pictures are not yet recorded (``BodyPicture``).
    """
    bodies = bodies or {}
    parts = {pk: empty() for pk in article_ids}
    author_columns = [f"author__{name}" for name in AUTHOR_FIELDS]
    photo_columns = image_columns("author__photo")
    bylines = Byline.objects.filter(article_id__in=article_ids).order_by("position", "pk")
    for article_id, *values in bylines.values_list("article_id", *author_columns, *photo_columns):
        author, photo = values[: len(AUTHOR_FIELDS)], values[len(AUTHOR_FIELDS) :]
        has_photo = author[AUTHOR_FIELDS.index("photo_id")] is not None
        parts[article_id]["bylines"].append([_json(author), _json(photo) if has_photo else None])
    tagged = TaggedArticle.objects.filter(content_object_id__in=article_ids).order_by("pk")
    for article_id, *tag in tagged.values_list("content_object_id", *(f"tag__{name}" for name in TAG_FIELDS)):
        parts[article_id]["tags"].append(tag)
    # In the sources' own order (by name), as ``story.sources.all`` gave them.
    links = Article.sources.through.objects.filter(article_id__in=article_ids).order_by("source__name")
    for article_id, *source in links.values_list("article_id", *(f"source__{name}" for name in SOURCE_FIELDS)):
        parts[article_id]["sources"].append(source)
    # Newest first, as ``story.corrections.all``.
    corrections = Correction.objects.filter(article_id__in=article_ids).order_by("-created_at", "-pk")
    for correction in corrections.values_list(*CORRECTION_FIELDS):
        parts[correction[CORRECTION_FIELDS.index("article_id")]]["corrections"].append(_json(correction))
    # The pictures the body shows, as recorded at each save (``BodyPicture``: a picture in use cannot be deleted).
    recorded = BodyPicture.objects.filter(article_id__in=[pk for pk in article_ids if pk not in bodies])
    for article_id, *picture in recorded.order_by("pk").values_list("article_id", *image_columns("image")):
        parts[article_id]["pictures"].append(_json(picture))
    for pk, body_html in bodies.items():
        parts[pk]["pictures"] = body_pictures(body_html)
    return parts


def image_columns(relation: str) -> list[str]:
    return [f"{relation}__{name}" for name in IMAGE_FIELDS]


def built(*, authors: list[Author], tags: list[Tag], sources: list[Source]) -> dict:
    """The parts of a new story that will have these bylines, tags (in this order) and sources, with no query
    (authors with their photos loaded): for a story saved with its parts, its links then made in bulk."""
    parts = empty()
    for author in dict.fromkeys(authors):
        photo = author.photo if author.photo_id else None
        author_values = _json(_values(author, AUTHOR_FIELDS))
        parts["bylines"].append([author_values, _json(_values(photo, IMAGE_FIELDS)) if photo else None])
    parts["tags"] = [_values(tag, TAG_FIELDS) for tag in dict.fromkeys(tags)]
    parts["sources"] = [_values(source, SOURCE_FIELDS) for source in sorted(set(sources), key=lambda s: s.name)]
    return parts


def _values(instance: models.Model, names: tuple[str, ...]) -> list:
    values = (getattr(instance, name) for name in names)
    return [value.name if isinstance(value, FieldFile) else value for value in values]


def refresh(stories: models.QuerySet, batch_size: int = 500) -> None:
    """Write the parts of ``stories`` again, from the tables (a few queries per ``batch_size`` stories)."""
    refresh_ids(list(stories.order_by().values_list("pk", flat=True).distinct()), batch_size)


def refresh_ids(ids: list[int], batch_size: int = 500) -> None:
    """Write the parts of the stories with these ids again, from the tables."""
    for start in range(0, len(ids), batch_size):
        batch = ids[start : start + batch_size]
        changed = [Article(pk=pk, page_parts=parts) for pk, parts in collect(batch).items()]
        Article.objects.bulk_update(changed, ["page_parts"])


def _json(values: Iterable) -> list:
    return [value.isoformat() if isinstance(value, date) else value for value in values]


def _instance(model: type[models.Model], names: tuple[str, ...], values: list) -> models.Model:
    """A model instance as if loaded with ``only(*names)``: dates and times parsed back from the JSON."""
    values = [
        _parse(model._meta.get_field(name), value) if isinstance(value, str) and name in _TIMES[model] else value
        for name, value in zip(names, values, strict=True)
    ]
    return model.from_db("default", names, values)


def _parse(field: models.Field, value: str) -> date | datetime | None:
    return parse_datetime(value) if isinstance(field, models.DateTimeField) else parse_date(value)


_TIMES = {
    model: {
        field.attname
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)  # DateTimeField is one too
    }
    for model in (Author, Image, Tag, Source, Correction)
}


def unpack(parts: dict) -> dict | None:
    """Stored parts as the objects the page reads; None when there are none of this format."""
    if parts.get("v") != FORMAT:
        return None
    authors = []
    for author_values, photo_values in parts["bylines"]:
        author = _instance(Author, AUTHOR_FIELDS, author_values)
        author._state.fields_cache["photo"] = (
            _instance(Image, IMAGE_FIELDS, photo_values) if photo_values is not None else None
        )
        authors.append(author)
    return {
        "byline_authors": authors,
        "tags_in_order": [_instance(Tag, TAG_FIELDS, values) for values in parts["tags"]],
        "sources_shown": [_instance(Source, SOURCE_FIELDS, values) for values in parts["sources"]],
        "corrections": [_instance(Correction, CORRECTION_FIELDS, values) for values in parts["corrections"]],
        "body_pictures_stored": {
            image.pk: image for image in (_instance(Image, IMAGE_FIELDS, values) for values in parts["pictures"])
        },
    }
