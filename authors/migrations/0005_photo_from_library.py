"""The author's own photo fields go; the library picture takes the name ``photo``.

Every photo was moved into the library by 0004. Reversing brings the fields back empty, and 0004's reverse
fills them again from the library pictures (the same files), so nothing is lost either way.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('authors', '0004_photos_into_library'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='author',
            name='photo_height',
        ),
        migrations.RemoveField(
            model_name='author',
            name='photo_width',
        ),
        migrations.RemoveField(
            model_name='author',
            name='photo',
        ),
        migrations.RenameField(
            model_name='author',
            old_name='library_photo',
            new_name='photo',
        ),
    ]
