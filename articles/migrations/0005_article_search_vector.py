# Stored search vector for stories, with its GIN index on PostgreSQL only.
#
# The index is not in Article.Meta.indexes: SQLite cannot create a GIN index, and
# SQLite rebuilds a table (for many later AlterField/RemoveField migrations) from
# the indexes in the migration state, so declaring it there would break those
# migrations. It is created here, where supported, outside the migration state.
# After applying this migration to a database with stories, fill the vectors
# once with `manage.py update_search_index`.

import django.contrib.postgres.search
from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

SEARCH_INDEX = GinIndex(fields=["search_vector"], name="article_search_vector")


def add_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


def remove_search_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("articles", "Article"), SEARCH_INDEX)


class Migration(migrations.Migration):

    dependencies = [
        ("articles", "0004_embargo_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(add_search_index, remove_search_index, elidable=False),
    ]
