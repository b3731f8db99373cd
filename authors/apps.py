from django.apps import AppConfig


class AuthorsConfig(AppConfig):
    name = "authors"
    verbose_name = "Authors"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field, renditions_made
        from pagecache.generation import changes_are_public

        from .models import Author

        manage_image_field(Author, "photo")
        # Authors have public pages (the staff list, profiles) and sign every story: any change is news.
        changes_are_public(Author)
        # A worker made a photo's renditions: pages rendered meanwhile showed the original.
        renditions_made.connect(photo_ready, sender=Author, dispatch_uid="authors.photo_ready")


def photo_ready(sender, **kwargs) -> None:
    from pagecache.generation import content_changed

    content_changed()
