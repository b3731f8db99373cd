from django.db import migrations, models


class Migration(migrations.Migration):
    # To follow 0022_article_card when the two branches meet (it is being written beside this one).
    dependencies = [
        ('articles', '0021_review_queue_index_carries_id'),
    ]

    operations = [
        migrations.AddField(
            model_name='article',
            name='page_parts',
            field=models.JSONField(blank=True, default=dict, editable=False),
        ),
    ]
