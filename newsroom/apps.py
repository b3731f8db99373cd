from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with ``NewsroomAdminSite`` as ``admin.site``."""

    default_site = "newsroom.admin.NewsroomAdminSite"
