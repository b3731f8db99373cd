"""The chooser: finding a picture in the library to put in a story, as JSON and as a small HTML fragment.

The story form opens the fragment in a dialog (next round: lead image, figures, galleries) and asks the JSON
for further pages and searches. Only pictures that may be shown are offered: an expired licence is not.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .models import Image

PAGE_SIZE = 24


def describe(image: Image) -> dict:
    """What a chooser, or the upload page, needs to show and insert a picture: no query."""
    return {
        "id": image.pk,
        "alt_text": image.alt_text,
        "caption": image.caption,
        "credit": image.credit,
        "width": image.width,
        "height": image.height,
        "thumbnail": image.thumbnail_url(),
        "change_url": reverse("admin:media_library_image_change", args=[image.pk]),
    }


def _page(request: HttpRequest, model_admin) -> tuple[str, object]:
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    words = request.GET.get("q", "").strip()[:200]
    found = Image.objects.usable().matching(words).order_by("-uploaded_at", "-pk")
    return words, Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))


def chooser_search(request: HttpRequest, model_admin) -> JsonResponse:
    """``?q=words&page=n``: one page of usable pictures matching every word, newest first."""
    words, page = _page(request, model_admin)
    return JsonResponse(
        {
            "query": words,
            "results": [describe(image) for image in page],
            "page": page.number,
            "next_page": page.next_page_number() if page.has_next() else None,
        }
    )


def chooser_fragment(request: HttpRequest, model_admin) -> TemplateResponse:
    """The dialog's content: a search form and the first page of pictures, each a button that chooses it."""
    words, page = _page(request, model_admin)
    return TemplateResponse(
        request,
        "admin/media_library/image/chooser.html",
        {"query": words, "page": page, "pictures": [describe(image) for image in page]},
    )
