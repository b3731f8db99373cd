"""Uploading several pictures at once: a page that sends each file on its own, and the endpoint it sends to.

Each file is its own request with its own alt text (asked on the page before anything is sent), so a bad
file gets its own error and nothing else is lost: the others are saved, and the failed one stays on the page
with what was typed, to fix and send again. Every file goes through the same form and checks as the single
upload (size, format, pixels; metadata stripped by ``images``).
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from .chooser import describe
from .forms import UploadForm
from .models import Licence


def upload_page(request: HttpRequest, model_admin) -> TemplateResponse:
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "Upload pictures",
        "opts": model_admin.model._meta,
        "licences": Licence.choices,
        "endpoint": reverse("admin:media_library_image_upload_file"),
        "library_url": reverse("admin:media_library_image_changelist"),
        "add_url": reverse("admin:media_library_image_add"),
    }
    return TemplateResponse(request, "admin/media_library/image/upload.html", context)


def upload_file(request: HttpRequest, model_admin) -> JsonResponse:
    """POST one file with its alt text (and caption, credit, licence): 201 and the picture, or 400 and why."""
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    if request.method != "POST":
        return JsonResponse({"errors": [{"field": "", "label": "", "message": "Send the file with POST."}]}, status=405)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        errors = [
            {"field": name, "label": str(form.fields[name].label) if name in form.fields else "", "message": message}
            for name, messages in form.errors.items()
            for message in messages
        ]
        return JsonResponse({"errors": errors}, status=400)
    image = form.save(commit=False)
    image.uploaded_by = request.user
    image.save()
    model_admin.log_addition(request, image, [{"added": {}}])
    return JsonResponse(describe(image), status=201)
