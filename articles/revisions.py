"""Revisions: a snapshot at every save, readable differences, and restoring without losing anything."""

import difflib
import re
from dataclasses import dataclass

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from taggit.models import Tag
from taggit.utils import edit_string_for_tags

from authors.models import Author
from media_library.models import Image

from . import workflow
from .models import Article, Byline, Revision, Section, Source

# Snapshot keys, in the order a diff lists them, with the labels editors know.
FIELD_LABELS = {
    "title": "Headline",
    "kicker": "Kicker",
    "standfirst": "Standfirst",
    "body": "Body",
    "section": "Section",
    "authors": "Byline",
    "sources": "Sources",
    "tags": "Tags",
    "lead_picture": "Lead picture",
    "seo_title": "SEO title",
    "meta_description": "Meta description",
    "social_image": "Social image",
    "social_image_alt": "Social image alt text",
}
TEXT_FIELDS = ("title", "kicker", "standfirst", "body", "seo_title", "meta_description", "social_image",
               "social_image_alt")  # fmt: skip
# Revisions from before the media library recorded the story's own lead image in ``lead_image*`` keys: those
# keys stay in their content, unread (``compare_content`` follows the labels above, ``restore`` the fields).


def picture_snapshot(picture) -> dict:
    """A library picture as a revision records it: its id to restore, its alt text and number to read."""
    return {"id": picture.pk, "name": f"{picture.alt_text} (picture {picture.pk})"} if picture else {}


def snapshot(article: Article) -> dict:
    """The story's content as plain JSON: ids to restore with, names to read in a diff."""
    bylines = list(article.bylines.select_related("author").order_by("position", "pk"))
    return {
        **{field: str(getattr(article, field) or "") for field in TEXT_FIELDS},
        "section": {"id": article.section_id, "name": article.section.name},
        "lead_picture": picture_snapshot(article.lead_picture),
        "authors": [{"id": b.author_id, "name": b.author.name} for b in bylines],
        "sources": [{"id": s.pk, "name": s.name} for s in article.sources.order_by("name")],
        "tags": sorted(article.tags.names(), key=str.lower),
    }


@transaction.atomic
def record_revision(article: Article, user: AbstractBaseUser | None, *, note: str = "") -> Revision | None:
    """Store the story's current content as its next revision, unless nothing changed since the last one."""
    content = snapshot(article)
    latest = article.revisions.order_by("-number").first()
    if latest is not None and latest.content == content:
        return None
    number = (article.revisions.aggregate(Max("number"))["number__max"] or 0) + 1
    return Revision.objects.create(article=article, number=number, content=content, note=note, created_by=user)


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str
    html: SafeString  # escaped text with <ins>/<del> marks; nothing from the story is ever raw


def readable(content: dict, field: str) -> str:
    value = content.get(field, "")
    if isinstance(value, dict):
        return value.get("name", "")
    if isinstance(value, list):
        return ", ".join(item["name"] if isinstance(item, dict) else str(item) for item in value)
    return str(value)


def compare(older: Revision, newer: Revision) -> list[FieldChange]:
    """What changed between two revisions, field by field, as escaped word-level markup."""
    return compare_content(older.content, newer.content)


def compare_content(older: dict, newer: dict) -> list[FieldChange]:
    """What changed between two snapshots (``snapshot()``, a revision's content), field by field."""
    changes = []
    for field, label in FIELD_LABELS.items():
        if field not in newer:
            continue  # a revision saved before the field existed leaves it as it is
        before, after = readable(older, field), readable(newer, field)
        if before != after:
            changes.append(FieldChange(label, before, after, diff_html(before, after)))
    return changes


_TOKENS = re.compile(r"\s+|[^\s]+")


def diff_html(before: str, after: str) -> SafeString:
    """Word-level difference. Every piece of text is escaped before it is marked up."""
    old, new = _TOKENS.findall(before), _TOKENS.findall(after)
    parts = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        removed, added = "".join(old[i1:i2]), "".join(new[j1:j2])
        if tag == "equal":
            parts.append(escape(removed))
        if tag in ("delete", "replace"):
            parts.append(format_html("<del>{}</del>", removed))
        if tag in ("insert", "replace"):
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts))


def restores_directly(article: Article) -> bool:
    """Whether a revision may be put back at once (after confirmation): not while readers may see the story.

    A published story's revision is loaded into the story form instead (``form_values``), unsaved, for an
    editor to check and publish with Save, so the live story never changes behind anyone's back.
    """
    return article.status != Article.Status.PUBLISHED


# Snapshot keys the story form cannot be given back as values: uploads and the byline inline.
NOT_LOADABLE = ("social_image", "authors")


def form_values(revision: Revision) -> dict:
    """The revision's content as the story form's initial values, for an editor to publish with Save."""
    content = revision.content
    values = {field: content[field] for field in TEXT_FIELDS if field in content and field not in NOT_LOADABLE}
    section_id = content.get("section", {}).get("id")
    if section_id and Section.objects.filter(pk=section_id).exists():
        values["section"] = section_id
    if "lead_picture" in content:
        values["lead_picture"] = _existing_picture(content["lead_picture"])
    if "sources" in content:
        values["sources"] = list(
            Source.objects.filter(pk__in=[s["id"] for s in content["sources"]]).values_list("pk", flat=True)
        )
    if "tags" in content:
        values["tags"] = edit_string_for_tags([Tag(name=name) for name in content["tags"]])
    return values


def _existing_picture(recorded: dict) -> int | None:
    """The recorded library picture's id if it is still in the library; None without one (or if deleted)."""
    picture_id = recorded.get("id")
    return picture_id if picture_id and Image.objects.filter(pk=picture_id).exists() else None


def not_loaded(revision: Revision, article: Article) -> list[str]:
    """What of the revision ``form_values`` cannot put in the form and differs from the story: to set by hand."""
    current = snapshot(article)
    return [
        FIELD_LABELS[field]
        for field in NOT_LOADABLE
        if field in revision.content and readable(revision.content, field) != readable(current, field)
    ]


@transaction.atomic
def restore(revision: Revision, user: AbstractBaseUser) -> Revision:
    """Put a revision's content back as the story's current content, recorded as a new revision.

    Not for a published story (see ``restores_directly``). Authors, sources or a section deleted since
    are skipped rather than recreated.
    """
    article = Article.objects.select_for_update().get(pk=revision.article_id)
    # Checked again here, like every workflow step, whatever the caller already asked.
    workflow.require(user, workflow.Action.RESTORE, article)
    if not restores_directly(article):
        raise workflow.WorkflowError(
            "This story is published: load the revision into the form and publish it from there, "
            "so readers never see a change nobody checked."
        )
    content = revision.content
    # A revision saved before a field existed says nothing about it: the story keeps its value.
    fields = [field for field in TEXT_FIELDS if field in content]
    changed = [field for field in fields if str(getattr(article, field) or "") != content[field]]
    for field in fields:
        setattr(article, field, content[field])
    section_id = content.get("section", {}).get("id")
    if section_id and section_id != article.section_id and Section.objects.filter(pk=section_id).exists():
        article.section_id = section_id
        changed.append("section")
    if "lead_picture" in content:
        picture_id = _existing_picture(content["lead_picture"])
        if picture_id != article.lead_picture_id and (picture_id or not content["lead_picture"]):
            article.lead_picture_id = picture_id
            changed.append("lead_picture")
    article.note_content_change(changed)
    article.updated_by = user
    article.save()

    existing_authors = set(
        Author.objects.filter(pk__in=[a["id"] for a in content.get("authors", [])]).values_list("pk", flat=True)
    )
    article.bylines.all().delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=author["id"], position=position)
        for position, author in enumerate(a for a in content.get("authors", []) if a["id"] in existing_authors)
    )
    article.sources.set(Source.objects.filter(pk__in=[s["id"] for s in content.get("sources", [])]))
    article.tags.set(content.get("tags", []))
    Article.objects.filter(pk=article.pk).refresh_page_parts()  # the bylines came in bulk: no signals
    return record_revision(article, user, note=f"Restored from revision {revision.number}") or revision
