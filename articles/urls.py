from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("", views.front_page, name="front_page"),
    path("tags/<uslug:slug>/", views.TagView.as_view(), name="tag"),
    path("corrections/", views.CorrectionsView.as_view(), name="corrections"),
    path("preview/<str:token>/", views.preview_link, name="preview_link"),
    path("<slug:section>/", views.SectionView.as_view(), name="section"),
    path(
        "<slug:section>/<int:year>/<int:month>/<int:day>/<uslug:slug>/",
        views.story_detail,
        name="story",
    ),
]
