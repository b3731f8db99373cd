"""Background work on stories: rebuilding the search vectors of every story a rename touches.

Renaming a tag or an author changes the words of each of their stories, which can be thousands:
the rebuild runs on a worker after the rename commits, not in the editor's request (in-process,
right after the commit, when no broker is configured; see ``common.background``). A single story's
own save stays in its request: one row, and readers' search should have it at once.
"""

from celery import shared_task
from django.db import OperationalError

from .models import Article
from .search import refresh_search_vectors

# A database that went away for a moment is worth another try, later and later (10 s, 20 s… 10 min).
RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 10, "retry_backoff_max": 600, "max_retries": 5}


@shared_task(**RETRY)
def refresh_tag_stories(tag_id: int, using: str = "default") -> int:
    """Rebuild the vectors of the stories tagged ``tag_id``. Idempotent: rebuilding again changes nothing."""
    return refresh_search_vectors(Article.objects.using(using).filter(tagged_items__tag=tag_id))


@shared_task(**RETRY)
def refresh_author_stories(author_id: int, using: str = "default") -> int:
    """Rebuild the vectors of the stories bylined to ``author_id``. Idempotent."""
    return refresh_search_vectors(Article.objects.using(using).filter(bylines__author=author_id))
