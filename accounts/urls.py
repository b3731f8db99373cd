from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.settings_page, name="settings"),
    path("code/", views.verify, name="verify"),
    path("enrol/", views.enrol, name="enrol"),
    path("confirm/", views.password_again, name="password_again"),
]
