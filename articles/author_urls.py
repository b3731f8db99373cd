"""Author pages' addresses, under the ``authors`` namespace: the pages need stories, so they live on this side."""

from django.urls import path

from . import author_views as views

app_name = "authors"

urlpatterns = [
    path("", views.AuthorListView.as_view(), name="list"),
    path("<uslug:slug>/", views.AuthorDetailView.as_view(), name="detail"),
]
