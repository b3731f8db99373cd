from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("preview/", views.preview, name="preview"),
    path("stories/<int:pk>/autosave/", views.story_autosave, name="story_autosave"),
    path("stories/<int:pk>/presence/", views.heartbeat, name="heartbeat"),
    path("stories/<int:pk>/presence/leave/", views.leave, name="leave"),
    path("stories/<int:pk>/presence/take-over/", views.take_over, name="take_over"),
    path("new/autosave/", views.latest_new_story_autosave, name="latest_new_story_autosave"),
    path("new/<str:token>/autosave/", views.new_story_autosave, name="new_story_autosave"),
]
