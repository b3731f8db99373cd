"""The front page's pinned slots replace ``featured``: every featured story is pinned to the lead's slot.

Pinned to the same slot, the newest takes it and the others the next slots after it
(``articles.models.front_page.place_pins``): the newest featured story still leads, as before.
"""

from django.conf import settings
from django.db import migrations, models


def pin_featured(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(featured=True).update(front_page_slot=1)


def feature_pinned(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Article.objects.filter(front_page_slot__isnull=False).update(featured=True)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0018_status_index_carries_section'),
        ('authors', '0005_photo_from_library'),
        ('media_library', '0001_initial'),
        ('taggit', '0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='front_page_slot',
            field=models.PositiveSmallIntegerField(blank=True, choices=[(1, '1 — the lead'), (2, '2 — top story with a picture'), (3, '3 — top story with a picture'), (4, '4 — top story with a picture'), (5, '5 — top story with a picture'), (6, '6 — headline'), (7, '7 — headline'), (8, '8 — headline'), (9, '9 — headline')], help_text='Pin the story to the top of the front page. Slots not pinned are filled with the newest stories.', null=True, verbose_name='front page'),
        ),
        migrations.RunPython(pin_featured, feature_pinned),
        migrations.RemoveIndex(
            model_name='article',
            name='article_featured_published',
        ),
        migrations.RemoveIndex(
            model_name='article',
            name='article_featured_newest',
        ),
        migrations.RemoveField(
            model_name='article',
            name='featured',
        ),
        migrations.AddField(
            model_name='section',
            name='on_front_page',
            field=models.BooleanField(default=True, help_text="Show a block of this section's newest stories on the front page. Unticked, its stories still appear in Latest and Most read, and may be pinned, but never fill the top stories by themselves.", verbose_name='block on the front page'),
        ),
        migrations.AlterField(
            model_name='section',
            name='position',
            field=models.PositiveSmallIntegerField(default=0, help_text='Order in the navigation and on the front page: lower comes first.'),
        ),
        migrations.AddIndex(
            model_name='article',
            index=models.Index(condition=models.Q(('front_page_slot__isnull', False)), fields=['front_page_slot', '-published_at', '-id'], name='article_front_page_pins'),
        ),
    ]
