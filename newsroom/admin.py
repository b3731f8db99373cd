"""The newsroom's admin site: Django's, with the review queue's length on the index page."""

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest


class NewsroomAdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} newsroom"
    site_title = f"{settings.SITE_NAME} newsroom"
    index_title = "Newsroom"

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from articles import workflow
        from articles.models import Article

        context = {**(extra_context or {})}
        if workflow.is_editor(request.user):
            context["review_queue_count"] = Article.objects.in_review().count()
        else:
            context["my_stories"] = workflow.unpublished_work_of(request.user)[:10]
        return super().index(request, context)
