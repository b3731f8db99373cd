"""Every author's own photo becomes a picture of the media library, the author's ``library_photo``.

As for stories' lead images (``articles/migrations/0013_lead_pictures_into_library.py``): no file is copied.
The library picture points at the very stored name the author did, so its renditions (named after that
file) are already there; authors sharing one file share one library picture, described after the first of
them (lowest id); a file already in the library is reused. A portrait's alt text names who it shows; the
credit stays empty (nothing recorded who took it) and the licence is "staff", as for every former upload.
No signal runs in a migration: run ``manage.py make_renditions`` afterwards for the library's focal-point
crops, as after any write that sends none.

Reversing gives every author with a library photo their own photo back (the same stored file, its width
and height) and unlinks them; the library's rows stay.
"""

from django.db import migrations


def photos_into_library(apps, schema_editor):
    Author = apps.get_model("authors", "Author")
    Image = apps.get_model("media_library", "Image")
    picture_of: dict[str, int] = {}
    for author in Author.objects.exclude(photo="").filter(library_photo__isnull=True).order_by("pk").iterator():
        name = author.photo.name
        if name not in picture_of:
            existing = Image.objects.filter(file=name).order_by("pk").first()
            if existing is None:
                existing = Image.objects.create(
                    file=name,  # the stored name itself: assigning a name copies nothing
                    width=author.photo_width,
                    height=author.photo_height,
                    alt_text=f"Portrait of {author.name}",
                    caption=author.name,
                    licence="staff",
                    uploaded_at=author.created_at,
                )
            picture_of[name] = existing.pk
        Author.objects.filter(pk=author.pk).update(library_photo_id=picture_of[name])


def photos_back_to_authors(apps, schema_editor):
    Author = apps.get_model("authors", "Author")
    for author in Author.objects.filter(library_photo__isnull=False).select_related("library_photo").iterator():
        picture = author.library_photo
        Author.objects.filter(pk=author.pk).update(
            photo=picture.file.name, photo_width=picture.width, photo_height=picture.height, library_photo=None
        )


class Migration(migrations.Migration):
    dependencies = [
        ("authors", "0003_library_photo"),
        ("media_library", "0001_initial"),
    ]

    operations = [migrations.RunPython(photos_into_library, photos_back_to_authors, elidable=False)]
