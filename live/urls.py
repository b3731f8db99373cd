from django.urls import path

from . import views

app_name = "live"

urlpatterns = [
    path("<int:story_id>/updates.json", views.updates, name="updates"),
    path("posts/<int:post_id>/", views.permalink, name="permalink"),
]
