from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path(
        "<slug:section>/<int:year>/<int:month>/<int:day>/<uslug:slug>/",
        views.story_detail,
        name="story",
    ),
]
