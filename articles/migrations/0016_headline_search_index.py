# The headline's own full-text index, on PostgreSQL only: search's first relevance tier (stories
# whose headline matches) is found from it, however many stories match in their bodies.
#
# Like the stored vector's index (0005), it is created here rather than in Article.Meta.indexes,
# because SQLite cannot create a GIN index. Its expression is ``articles.search.headline_vector()``
# with the SEARCH_CONFIG of the day it is created: after changing SEARCH_CONFIG, run
# `manage.py update_search_index`, which rebuilds it with the new configuration.

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations


def headline_index() -> GinIndex:
    return GinIndex(SearchVector("title", config=settings.SEARCH_CONFIG), name="article_headline_search")


def add_headline_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), headline_index())


def remove_headline_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), headline_index())


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0015_remove_own_lead_images"),
    ]

    operations = [
        migrations.RunPython(add_headline_index, remove_headline_index, elidable=False),
    ]
