"""The content generation: the one row every cache of reader pages is keyed by (see ``pagecache.generation``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ContentGeneration(models.Model):
    """One row: which version of what readers can see the site is at, shared by every process and server.

    ``number`` moves on, in the same transaction, with every change readers could
    see (see ``pagecache.generation``), so cached pages and figures keyed by it are
    never older than the database, whatever cache holds them. ``token`` is new at
    every move, so a number reused after a rolled-back transaction or a restore
    never names an old cached page. ``next_change_at`` is when a scheduled or
    embargoed story next goes live: the first request after it starts a new generation.
    ``takedown_number`` is the last generation that took something off the site: no
    older page is ever served, not even stale for a few seconds (see ``pagecache.middleware``).
    """

    number = models.BigIntegerField(default=1)
    token = models.CharField(max_length=32, default="initial")
    changed_at = models.DateTimeField(default=timezone.now)
    next_change_at = models.DateTimeField(null=True, blank=True)
    takedown_number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(id=1), name="content_generation_single_row")]

    def __str__(self) -> str:
        return f"Content generation {self.number}"

    @property
    def key(self) -> str:
        """Part of a cache key for anything derived from what readers can see."""
        return f"{self.number}.{self.token}"


class ContentScope(models.Model):
    """A part of the site whose changes reach only its own pages (a live story's page and its update endpoint).

    A page that declares a scope (``pagecache.scopes``) is kept under the content generation *and* the
    scope's ``token``, which is new at every change of the scope, in that change's transaction: such a
    change rebuilds those pages and no other, where moving the generation would rebuild every page.
    """

    name = models.CharField(max_length=100, primary_key=True)
    token = models.CharField(max_length=32, default="initial")

    def __str__(self) -> str:
        return self.name
