"""The *Most read* lists: the stories readers read most in the last 24 hours, overall and per section.

Counted by ``readership`` (what is counted and kept is in ``readership/counting.py``). Each list is
worked out at most every ``MOST_READ_SECONDS`` and kept with its stories, loaded as cards, under the
content generation (``pagecache.store.remember``): a change readers can see (a story taken down, a
headline edited) starts it again, and a page costs no query for it in between.
"""

from django.conf import settings

from pagecache.store import remember
from readership.counting import most_read_ids

from .models import Article, Section, SectionTree
from .models.cards import Card

MOST_READ_STORIES = 5


def most_read(section: Section | None = None, tree: SectionTree | None = None) -> list[Card]:
    """The most-read stories readers may see, of ``section`` (with its subsections) or of the whole paper."""
    stories = Article.objects.published()
    if section is not None:
        stories = stories.filter(section_id__in=(tree or SectionTree.load()).family_ids(section))

    def load() -> list[Card]:
        ids = most_read_ids(stories, limit=MOST_READ_STORIES)
        loaded = {card.pk: card for card in stories.filter(pk__in=ids).cards()} if ids else {}
        return [loaded[pk] for pk in ids if pk in loaded]

    key = f"most-read:{section.pk if section else 'all'}"
    return remember(key, load, timeout=settings.MOST_READ_SECONDS)
