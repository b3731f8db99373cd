"""``BodyPicture``: which library pictures a story's body shows, kept in step with the body on save.

The body names its pictures in Markdown (``![](image:123)``), which the database cannot see; this
table makes the use visible to it, so that a picture in use cannot be deleted (``PROTECT``) and the
picture's library page can list the stories that show it.
"""

from django.db import models

from media_library.models import Image

from ..body_media import picture_ids


class BodyPicture(models.Model):
    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="body_pictures")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="body_of")

    class Meta:
        verbose_name = "picture in a story's body"
        verbose_name_plural = "pictures in stories' bodies"
        constraints = [models.UniqueConstraint(fields=["article", "image"], name="unique_body_picture")]

    def __str__(self) -> str:
        # Shown in the admin's "cannot delete" list: say which story holds the picture, and where.
        return f"the body of the story “{self.article}”"


def sync_body_pictures(article: models.Model, *, adding: bool, stored_body_html: str | None) -> None:
    """Record the pictures ``article``'s (just rendered) body names; skipped when they did not change."""
    ids = picture_ids(article.body_html)
    if adding and not ids:
        return
    if not adding and stored_body_html is not None and picture_ids(stored_body_html) == ids:
        return
    existing = list(Image.objects.filter(pk__in=ids).values_list("pk", flat=True)) if ids else []
    article.body_pictures.exclude(image_id__in=existing).delete()
    BodyPicture.objects.bulk_create(
        [BodyPicture(article=article, image_id=pk) for pk in existing], ignore_conflicts=True
    )
