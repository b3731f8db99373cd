from django.urls import path

from . import feeds, views
from .addresses import SECTION_ROUTE, STORY_ROUTE

app_name = "articles"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feeds/<feed_format:format>/", feeds.SiteFeed(), name="site_feed"),
    path("feeds/sections/<slug:slug>/<feed_format:format>/", feeds.SectionFeed(), name="section_feed"),
    path("feeds/authors/<uslug:slug>/<feed_format:format>/", feeds.AuthorFeed(), name="author_feed"),
    path("feeds/tags/<uslug:slug>/<feed_format:format>/", feeds.TagFeed(), name="tag_feed"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<year:year>/", views.ArchiveView.as_view(), name="archive_year"),
    path("archive/<year:year>/<month:month>/", views.ArchiveView.as_view(), name="archive_month"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("preview/<str:token>/", views.preview_link, name="preview_link"),
    path("info/<slug:slug>/", views.publication_page, name="publication_page"),
    path(SECTION_ROUTE, views.SectionView.as_view(), name="section"),
    path(STORY_ROUTE, views.story_detail, name="story"),
]
