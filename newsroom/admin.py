"""The newsroom's admin site: Django's, with the review queue's length on the index page and a login
that asks for the second factor (``accounts``)."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache


class NewsroomAdminSite(admin.AdminSite):
    site_header = f"{settings.SITE_NAME} newsroom"
    site_title = f"{settings.SITE_NAME} newsroom"
    index_title = "Newsroom"

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: dict | None = None):
        """Django's login page, with the second factor after the password (``accounts.views``)."""
        from accounts.views import StaffLoginView

        if request.method == "GET" and self.has_permission(request):
            return HttpResponseRedirect(reverse("admin:index", current_app=self.name))
        context = {
            **self.each_context(request),
            "title": "Log in",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": request.user.get_username(),
        }
        if REDIRECT_FIELD_NAME not in request.GET and REDIRECT_FIELD_NAME not in request.POST:
            context[REDIRECT_FIELD_NAME] = reverse("admin:index", current_app=self.name)
        context.update(extra_context or {})
        request.current_app = self.name
        return StaffLoginView.as_view(extra_context=context)(request)

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        from articles import workflow
        from articles.models import Article
        from live.models import LivePost

        context = {**(extra_context or {})}
        if workflow.is_editor(request.user):
            context["review_queue_count"] = Article.objects.in_review().count()
            # Live posts wait for the same editors, in the same queue as the stories (live/review_queue.py).
            context["live_posts_waiting"] = LivePost.objects.awaiting_approval().count()
        else:
            context["my_stories"] = workflow.unpublished_work_of(request.user)[:10]
        return super().index(request, context)
