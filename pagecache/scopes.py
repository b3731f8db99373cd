"""Scopes: parts of the site with changes of their own, that reach only the pages declaring them.

The content generation moves every cached page on (``pagecache.generation``). Some content changes
often and shows on few pages: a live story's posts, every few minutes, on its page and its update
endpoint only. A content app moves such a part's *scope* instead (``scope_changed("live:42")``, in the
change's transaction), and its views declare the scope on the pages that show it (``keep_under_scope``,
with the token read *before* the content, so a change committed meanwhile makes the page stale rather
than a stale page look current). The middleware serves such a page only while both the generation and
the scope's token are those it was rendered under; a page whose scope changed is rendered again at once,
never served stale (a scope's change may take something down: a deleted post).

Like the generation, this knows nothing of what the scopes hold; a hit on a scoped page costs one more
query (the scope's token), and pages without a scope none.
"""

import secrets

from django.db import IntegrityError, transaction
from django.http import HttpResponse

from .models import ContentScope


def scope_changed(name: str) -> None:
    """In the current transaction: the pages of scope ``name`` are rendered again at their next request."""
    token = secrets.token_hex(8)
    if not ContentScope.objects.filter(name=name).update(token=token):
        try:
            with transaction.atomic():
                ContentScope.objects.create(name=name, token=token)
        except IntegrityError:  # created meanwhile by another change: move it on
            ContentScope.objects.filter(name=name).update(token=token)


def scope_token(name: str) -> str:
    """The scope's current token (``""`` for a scope never changed)."""
    return ContentScope.objects.filter(name=name).values_list("token", flat=True).first() or ""


def keep_under_scope(response: HttpResponse, name: str, token: str) -> HttpResponse:
    """Mark ``response`` as showing scope ``name`` as of ``token`` (read before the content was)."""
    response.page_scope = (name, token)
    return response


def is_current(scope: tuple[str, str] | None) -> bool:
    """Whether a page kept under ``scope`` (None: no scope) still shows the scope as it is."""
    return scope is None or scope_token(scope[0]) == scope[1]
