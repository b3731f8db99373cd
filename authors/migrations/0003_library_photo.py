# Generated for issue 12: author photos come from the media library.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('authors', '0002_picture_fields'),
        ('media_library', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='author',
            name='library_photo',
            field=models.ForeignKey(blank=True, help_text='Choose from the media library; its alt text, credit and rights go with it.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='portrait_of', to='media_library.image'),
        ),
    ]
