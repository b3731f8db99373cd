"""Sections of the paper and the tree of them a page needs."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import models

from common.slugs import validate_section_slug
from pagecache.generation import current_generation_id

from ..addresses import section_url


class Section(models.Model):
    """A department of the paper (World, Business…), optionally inside another."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(
        max_length=80,
        unique=True,
        validators=[validate_section_slug],
        help_text="The section's address: /slug/. Words used by other pages (admin, authors, tags…) are refused.",
    )
    description = models.TextField(blank=True, help_text="Shown at the top of the section page.")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="Leave empty for a top-level section shown in the navigation.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the navigation and on the front page: lower comes first."
    )
    on_front_page = models.BooleanField(
        "block on the front page",
        default=True,
        help_text="Show a block of this section's newest stories on the front page. Unticked, its stories "
        "still appear in Latest and Most read, and may be pinned, but never fill the top stories by themselves.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self) -> str:
        return section_url(self.slug)

    def clean(self) -> None:
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if self.pk is not None and ancestor.pk == self.pk:
                raise ValidationError({"parent": "A section cannot sit inside itself or its own subsection."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    def with_descendant_ids(self) -> list[int]:
        """This section's id and those of every section below it, at any depth."""
        return SectionTree.load().family_ids(self)


class SectionTree:
    """Every section, loaded in one query, with each one's subsections at any depth.

    Sections change rarely and every page needs them (navigation, section
    families), so each server process keeps the tree until the content
    generation moves on (see ``pagecache.generation``): any section change does that.
    """

    _loaded: tuple[str, "SectionTree"] | None = None

    def __init__(self, sections: Iterable[Section]) -> None:
        self.sections = list(sections)
        self._children: dict[int | None, list[Section]] = {}
        self._by_slug = {section.slug: section for section in self.sections}
        for section in self.sections:
            self._children.setdefault(section.parent_id, []).append(section)

    @classmethod
    def load(cls) -> "SectionTree":
        generation = current_generation_id()
        loaded = cls._loaded
        if loaded is None or loaded[0] != generation:
            loaded = cls._loaded = (generation, cls(Section.objects.select_related("parent")))
        return loaded[1]

    def top_level(self) -> list[Section]:
        return self._children.get(None, [])

    def children(self, section: Section) -> list[Section]:
        return self._children.get(section.pk, [])

    def get(self, slug: str) -> Section | None:
        return self._by_slug.get(slug)

    def top_of(self, slug: str) -> Section | None:
        """The top-level section (the one in the navigation) that the section ``slug`` is, or is inside."""
        section, by_id = self.get(slug), {section.pk: section for section in self.sections}
        seen = set()
        while section is not None and section.parent_id and section.pk not in seen:
            seen.add(section.pk)
            section = by_id.get(section.parent_id)
        return section

    def family_ids(self, section: Section) -> list[int]:
        """``section``'s id followed by its descendants' ids."""
        ids, frontier = [section.pk], [section.pk]
        while frontier:
            frontier = [child.pk for pk in frontier for child in self._children.get(pk, []) if child.pk not in ids]
            ids.extend(frontier)
        return ids
