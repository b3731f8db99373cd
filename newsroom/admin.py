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
            context["review_queue_count"] = Article.objects.filter(status=Article.Status.IN_REVIEW).count()
        else:
            context["my_stories"] = (
                workflow.visible_to(request.user, Article.objects.exclude(status=Article.Status.PUBLISHED))
                .filter(created_by=request.user)
                .order_by("-updated_at")[:10]
            )
        return super().index(request, context)
