from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, register_converter

from .converters import FeedFormatConverter, UnicodeSlugConverter

register_converter(UnicodeSlugConverter, "uslug")
register_converter(FeedFormatConverter, "feed_format")

admin.site.site_header = f"{settings.SITE_NAME} newsroom"
admin.site.site_title = f"{settings.SITE_NAME} newsroom"
admin.site.index_title = "Newsroom"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("authors/", include("authors.urls")),
    # Sections take any other first path segment, so this comes last.
    path("", include("articles.urls")),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
