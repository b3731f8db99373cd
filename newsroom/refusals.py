"""``handler403``: refusals say why, styled like the part of the site they happen in, and keep posted text.

The story admin answers its own refusals with more to say (whose story, who acted on it and when:
``articles/admin/story_pages.py``); this is every other ``PermissionDenied``. Forged requests are
refused by Django's CSRF check before any view, with ``templates/403_csrf.html``.
"""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from common.posted import copyable, posted_text

NO_REASON = "You do not have permission to open this page. If you need it, ask an editor."


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not request.path.startswith(reverse("admin:index")):
        return render(request, "403.html", status=403)
    context = {
        **admin.site.each_context(request),
        "title": "Not allowed",
        "reason": str(exception) or NO_REASON,
        "posted": copyable(posted_text(request)),
    }
    return render(request, "admin/403.html", context, status=403)
