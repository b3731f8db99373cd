"""The library in the admin: the page of pictures (thumbnails, search, filters), each picture's page with its
focal point, and the pages beside them: batch upload (``uploads``) and the chooser (``chooser``)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html, format_html_join

from . import chooser, uploads, usage
from .filters import LicenceStateFilter, OrientationFilter
from .forms import ImageForm
from .models import Image

USED_HELP = "A picture in use cannot be deleted: choose another picture there first."


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "alt_text", "credit", "licence_status", "size", "uploaded_by", "uploaded_at"]
    # Only the alt text links: a link holding only a decorative thumbnail would have no name for a screen reader.
    list_display_links = ["alt_text"]
    list_filter = [
        ("uploaded_by", admin.RelatedOnlyFieldListFilter),
        "licence",
        LicenceStateFilter,
        OrientationFilter,
        "uploaded_at",
    ]
    list_select_related = ["uploaded_by"]
    list_per_page = 48
    search_fields = ["alt_text", "caption", "credit", "tags__name"]  # searched by ``Image.objects.matching``
    search_help_text = "Every word must appear in the alt text, caption, credit or a tag."
    date_hierarchy = "uploaded_at"
    readonly_fields = ["focal_point_picker", "crop_previews", "uploaded_by", "uploaded_at", "size", "used_in"]
    fieldsets = [
        (None, {"fields": ["file", "alt_text", "caption", "tags"]}),
        (
            "Credit and rights",
            {"fields": ["credit", "copyright_holder", "licence", "usage_terms", "source_url", "licence_expires"]},
        ),
        (
            "Focal point",
            {
                "fields": ["focal_point_picker", ("focal_x", "focal_y"), "crop_previews"],
                "description": "Where the picture's subject is: every crop (16:9, 4:3, square) keeps it in view.",
            },
        ),
        ("Used in", {"fields": ["used_in"]}),
        ("Upload", {"fields": ["uploaded_by", "uploaded_at", "size"]}),
    ]

    class Media:
        css = {"all": ["media_library/library.css"]}
        js = ["media_library/focal-point.js"]

    def get_urls(self) -> list:
        view = self.admin_site.admin_view
        return [
            path(
                "upload/", view(lambda request: uploads.upload_page(request, self)), name="media_library_image_upload"
            ),
            path(
                "upload/file/",
                view(lambda request: uploads.upload_file(request, self)),
                name="media_library_image_upload_file",
            ),
            path(
                "chooser/",
                view(lambda request: chooser.chooser_fragment(request, self)),
                name="media_library_image_chooser",
            ),
            path(
                "chooser/search/",
                view(lambda request: chooser.chooser_search(request, self)),
                name="media_library_image_chooser_search",
            ),
            *super().get_urls(),
        ]

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        """A picture in use is not deleted: say where it is used, with links, instead of Django's page of
        "protected related objects" (which the models' ``PROTECT`` would otherwise show)."""
        image = self.get_object(request, unquote(object_id))
        if image is None or not self.has_delete_permission(request, image):
            return super().delete_view(request, object_id, extra_context)
        with usage.viewed_by(request.user):
            named, others = usage.named_usages(image)
        if not (named or others):
            return super().delete_view(request, object_id, extra_context)
        self.message_user(
            request,
            format_html(
                "“{}” cannot be deleted: it is in use ({}{}). Choose another picture there first; a picture "
                "nothing uses can be deleted.",
                image,
                format_html_join(
                    "; ", '<a href="{}">{}</a> ({})', ((use.admin_url(), use.holder, use.kind) for use in named)
                ),
                f"; {others} more you cannot open" if others else "",
            ),
            messages.ERROR,
        )
        return redirect("admin:media_library_image_change", image.pk)

    def get_search_results(self, request: HttpRequest, queryset: QuerySet, search_term: str) -> tuple[QuerySet, bool]:
        # One rule for searching the library, the chooser's too.
        return queryset.matching(search_term), False

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="Picture")
    def thumbnail(self, image: Image) -> str:
        url = image.thumbnail_url()
        if not url:
            return "(unreadable file)"
        # The alt text is in the next column: the thumbnail itself would only repeat it to a screen reader.
        return format_html('<img src="{}" alt="" class="library-thumbnail" loading="lazy">', url)

    @admin.display(description="Licence", ordering="licence")
    def licence_status(self, image: Image) -> str:
        if image.licence_expired():
            return format_html(
                '<strong class="licence-expired">⚠ Expired {}</strong><br>{}',
                image.licence_expires.isoformat(),
                image.get_licence_display(),
            )
        if image.licence_expires:
            return format_html("{}<br>until {}", image.get_licence_display(), image.licence_expires.isoformat())
        return image.get_licence_display()

    @admin.display(description="Size")
    def size(self, image: Image) -> str:
        if not (image.width and image.height):
            return "—"
        return f"{image.width} × {image.height} ({image.get_orientation_display()})"

    def changeform_view(self, request: HttpRequest, *args, **kwargs):
        with usage.viewed_by(request.user):  # for ``used_in``: who may see which story
            response = super().changeform_view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()  # now, while the viewer is known (a TemplateResponse renders later)
            return response

    @admin.display(description="Where it is used")
    def used_in(self, image: Image | None) -> str:
        """The stories and authors showing the picture (``Image.usages``): while there are any, it cannot be
        deleted. Only the stories the viewer may open are named (``usage``); the others are counted."""
        if image is None or not image.pk:
            return "—"
        named, others = usage.named_usages(image)
        if not (named or others):
            return "Nowhere yet: no story or author uses this picture, so it can be deleted."
        items = format_html_join(
            "", '<li><a href="{}">{}</a> ({})</li>', ((use.admin_url(), use.holder, use.kind) for use in named)
        )
        more = format_html("<li>{} more you cannot open</li>", others) if others else ""
        return format_html('<ul class="picture-usages">{}{}</ul><p class="help">{}</p>', items, more, USED_HELP)

    @admin.display(description="Crops for search engines and social cards")
    def crop_previews(self, image: Image | None) -> str:
        if image is None or not image.pk:
            return "—"
        url = image.file.storage.url
        items = format_html_join(
            "",
            '<li><img src="{}" alt="" width="{}" height="{}"><span>{}:{}, {} × {}</span></li>',
            (
                (url(crop.name), 200, round(200 * crop.height / crop.width), *crop.ratio, crop.width, crop.height)
                for crop in image.crops()
            ),
        )
        return format_html(
            '<ul class="crop-previews">{}</ul><p class="help">As saved: a moved focal point shows here once saved.</p>',
            items,
        )

    @admin.display(description="Set by clicking on the picture")
    def focal_point_picker(self, image: Image | None) -> str:
        if image is None or not image.pk or not image.width:
            return "Save the picture first; then click on it here to set its focal point."
        return format_html(
            '<div class="focal-point-picker" data-focal-point>'
            '<img src="{}" alt="{}" width="{}" height="{}">'
            '<span class="focal-point-marker" aria-hidden="true"></span></div>'
            '<p class="help">Click where the subject is. Without a mouse: type the two numbers below '
            "(0 to 1, from the left and from the top).</p>",
            image.rendition_url(960),
            image.alt_text,
            image.width,
            image.height,
        )
