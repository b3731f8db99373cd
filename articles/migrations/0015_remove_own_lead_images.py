"""The story's own lead image fields go: 0013 moved every one into the media library (``lead_picture``).

Reversible without loss: reversing brings the fields back (empty), then gives every story with a library
lead picture its own lead image again, the same stored file with the picture's alt text, caption and
credit, as the story form of that time expects; 0013's reverse then unlinks them from the library.
"""

from django.db import migrations


def lead_pictures_back_to_stories(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    stories = Article.objects.filter(lead_picture__isnull=False, lead_image="").select_related("lead_picture")
    for story in stories.iterator():
        picture = story.lead_picture
        Article.objects.filter(pk=story.pk).update(
            lead_image=picture.file.name,
            lead_image_width=picture.width,
            lead_image_height=picture.height,
            lead_image_alt=picture.alt_text,
            lead_image_caption=picture.caption,
            lead_image_credit=picture.credit,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0014_body_pictures'),
    ]

    operations = [
        # Forwards there is nothing to move (0013 did); backwards this runs last, once the fields are back.
        migrations.RunPython(migrations.RunPython.noop, lead_pictures_back_to_stories, elidable=False),
        migrations.RemoveConstraint(
            model_name='article',
            name='article_image_has_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_alt',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_caption',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_credit',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_height',
        ),
        migrations.RemoveField(
            model_name='article',
            name='lead_image_width',
        ),
    ]
