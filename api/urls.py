"""/api/v1/: the content API, its OpenAPI schema and its documentation (Swagger UI and Redoc, from static files)."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from . import views
from .errors import not_found

# The schema and its documentation are public whatever API_ANONYMOUS_ACCESS says; still rate-limited.
public = {"authentication_classes": [], "permission_classes": [AllowAny]}

urlpatterns = [
    path("v1/stories/", views.StoryList.as_view(), name="api_stories"),
    path("v1/stories/<int:pk>/", views.StoryDetail.as_view(), name="api_story"),
    path("v1/sections/", views.SectionList.as_view(), name="api_sections"),
    path("v1/sections/<int:pk>/", views.SectionDetail.as_view(), name="api_section"),
    path("v1/authors/", views.AuthorList.as_view(), name="api_authors"),
    path("v1/authors/<int:pk>/", views.AuthorDetail.as_view(), name="api_author"),
    path("v1/tags/", views.TagList.as_view(), name="api_tags"),
    path("v1/corrections/", views.CorrectionList.as_view(), name="api_corrections"),
    path("v1/changes/", views.ChangeFeed.as_view(), name="api_changes"),
    path("v1/schema/", SpectacularAPIView.as_view(**public), name="api_schema"),
    path(
        "v1/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api_schema", template_name="api/swagger_ui.html", **public),
        name="api_docs",
    ),
    re_path(r"^.*$", not_found, name="api_not_found"),
]
