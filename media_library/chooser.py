"""The chooser: finding a picture in the library to put in a story, as JSON and as a small HTML fragment.

The writing desk's Picture and Gallery buttons (``static/desk/media.js``) open the fragment in a dialog and
fetch it again for searches and further pages; the fragment also holds a small form that sends one new
picture to the batch upload's endpoint (``uploads.upload_file``), for those who may add pictures. Only
pictures that may be shown are offered: an expired licence is not.
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .models import Image, Licence

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
    """The dialog's content: a search form, one page of pictures (each a button that chooses it) and, for
    those who may add pictures, a form to upload one."""
    words, page = _page(request, model_admin)
    context = {"query": words, "page": page, "pictures": [describe(image) for image in page]}
    if model_admin.has_add_permission(request):
        context["upload"] = {
            "endpoint": reverse("admin:media_library_image_upload_file"),
            "page": reverse("admin:media_library_image_upload"),
            "licences": Licence.choices,
        }
    return TemplateResponse(request, "admin/media_library/image/chooser.html", context)
