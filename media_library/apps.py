from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "media_library"
    verbose_name = "Media library"

    def ready(self) -> None:
        from images.lifecycle import manage_image_field

        from .models import Image

        # Cleaned on upload, renditions and focal-point crops made after the commit, as for every picture.
        manage_image_field(Image, "file", focal_point_fields=("focal_x", "focal_y"))
        # Who may use the library: ``articles.roles.ROLE_PERMISSIONS``, with every role's other permissions.
