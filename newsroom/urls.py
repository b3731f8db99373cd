from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.generic import TemplateView

from articles.sitemaps import SITEMAPS, news_sitemap, story_sitemap
from operations.health import healthz

urlpatterns = [
    # Before the admin, whose catch-all would answer every address under admin/.
    path("admin/desk/", include("desk.urls")),
    path("admin/two-factor/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("authors/", include("articles.author_urls")),
    path("live/", include("live.urls")),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap"},
        name="sitemap_index",
    ),
    # The story pages, the long ones, have a view of their own; the index names them "sitemap" as the rest.
    path("sitemaps/stories.xml", story_sitemap, name="story_sitemap"),
    path(
        "sitemaps/<slug:section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS, "template_name": "sitemaps/sitemap.xml"},
        name="sitemap",
    ),
    path("news-sitemap.xml", news_sitemap, name="news_sitemap"),
    path("healthz", healthz, name="healthz"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots_txt"),
    # Sections take any other first path segment, so this comes last.
    path("", include("articles.urls")),
]

# An unreachable database answers 503 with a page that needs nothing from it; anything else, Django's 500.
handler500 = "newsroom.outages.server_error"
# A refusal says why, in the look of the part of the site it happens in, and keeps what was typed.
handler403 = "newsroom.refusals.permission_denied"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
