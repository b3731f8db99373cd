"""The publication's own pages (about, contact, privacy, terms…), listed in every page's footer.

A small model rather than ``django.contrib.flatpages``: flatpages needs ``django.contrib.sites``, and
installing it would make the sitemaps and feeds take their domain from a ``Site`` row instead of the
request's host.
"""

from django.db import models
from django.urls import reverse

from pagecache.generation import current_generation_id


class PublicationPage(models.Model):
    """A page about the publication itself, at ``/info/<slug>/``, written in Markdown by editors."""

    title = models.CharField(max_length=120)
    slug = models.SlugField(max_length=80, unique=True, help_text="The page's address: /info/slug/.")
    description = models.CharField(
        max_length=300, blank=True, help_text="One sentence for search engines and sharing; the title if empty."
    )
    body = models.TextField(help_text="Markdown: paragraphs, ## subheadings, lists, [links](https://…).")
    position = models.PositiveSmallIntegerField(default=0, help_text="Footer order: lower comes first.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "title"]
        verbose_name = "publication page"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("articles:publication_page", args=[self.slug])

    _footer: tuple[str, list["PublicationPage"]] | None = None

    @classmethod
    def footer_pages(cls) -> list["PublicationPage"]:
        """Every page, in footer order: kept by each process until the content generation moves on.

        Every page shows the footer, and these change rarely; any change to one moves the generation
        (``changes_are_public`` in ``ArticlesConfig.ready()``), as for ``SectionTree``.
        """
        generation = current_generation_id()
        footer = cls._footer
        if footer is None or footer[0] != generation:
            footer = cls._footer = (generation, list(cls.objects.only("title", "slug", "position")))
        return footer[1]
