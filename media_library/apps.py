from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MediaConfig(AppConfig):
    name = "media_library"
    verbose_name = "Media library"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field

        from .models import Image
        from .roles import grant_library_permissions

        # Cleaned on upload, renditions and focal-point crops made after the commit, as for every picture.
        manage_image_field(Image, "file", focal_point_fields=("focal_x", "focal_y"))
        post_migrate.connect(grant_library_permissions, sender=self, dispatch_uid="media_library.roles")
