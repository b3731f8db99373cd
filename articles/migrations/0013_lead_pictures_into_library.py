"""Every story's own lead image becomes a picture of the media library, the story's ``lead_picture``.

No file is copied: the library picture points at the very stored name the story did, so its renditions
(named after that file) are already there. Stories sharing one file share one library picture, described
by the first of them (lowest id); each story keeps its own ``lead_image*`` fields meanwhile, so nothing
is lost. No signal runs in a migration: run ``manage.py make_renditions`` afterwards for the library's
focal-point crops (16:9, 4:3, 1:1), as after any write that sends none.

Reversing unlinks the stories from the pictures made here and keeps the library's rows.
"""

from django.db import migrations
from django.db.models import F


def lead_images_into_library(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Image = apps.get_model("media_library", "Image")
    picture_of: dict[str, int] = {}
    stories = Article.objects.exclude(lead_image="").filter(lead_picture__isnull=True).order_by("pk")
    for story in stories.iterator():
        name = story.lead_image.name
        if name not in picture_of:
            # A picture someone already put in the library from the same stored file is reused, not doubled.
            existing = Image.objects.filter(file=name).order_by("pk").first()
            if existing is None:
                existing = Image.objects.create(
                    file=name,  # the stored name itself: assigning a name copies nothing
                    width=story.lead_image_width,
                    height=story.lead_image_height,
                    # The story's constraint guarantees alt text with an image; the fallback is for rows older
                    # than that constraint, which the library would refuse outright.
                    alt_text=story.lead_image_alt.strip() or story.title,
                    caption=story.lead_image_caption,
                    credit=story.lead_image_credit,
                    licence="staff",
                    uploaded_by_id=story.created_by_id,
                    uploaded_at=story.created_at,
                )
            picture_of[name] = existing.pk
        Article.objects.filter(pk=story.pk).update(lead_picture_id=picture_of[name])


def unlink_lead_pictures(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(lead_picture__file=F("lead_image")).update(lead_picture=None)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_lead_picture"),
        ("media_library", "0001_initial"),
    ]

    operations = [migrations.RunPython(lead_images_into_library, unlink_lead_pictures, elidable=False)]
