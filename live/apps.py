from django.apps import AppConfig
from django.db.models.signals import post_migrate


class LiveConfig(AppConfig):
    name = "live"
    verbose_name = "Live coverage"

    def ready(self) -> None:
        from articles.demo import demo_loaded
        from articles.review_queue import register_waiting
        from articles.roles import sync_roles
        from articles.views import register_story_page

        from .demo import load_live_demo
        from .invalidation import connect_receivers
        from .review_queue import waiting_posts
        from .views import live_page

        connect_receivers()  # which post changes move the page cache's content generation
        # A live story's page is the live page: the story view asks this app, which it does not know.
        register_story_page(related="live_coverage", render=live_page)
        # Posts awaiting approval wait in the stories' review queue, which does not know this app either.
        register_waiting(waiting_posts)
        demo_loaded.connect(load_live_demo, dispatch_uid="live.demo")
        # After this app's permissions exist (it comes after articles), give them to the roles too.
        post_migrate.connect(sync_roles, sender=self, dispatch_uid="live.sync_roles")
