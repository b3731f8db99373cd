"""Stories with library pictures, and their renditions in storage."""

from django.core.files.storage import default_storage

from articles.models import Article
from images import renditions
from tests.factories import ArticleFactory, ImageFactory


def story_with(upload, committed, **fields) -> Article:
    """A story leading with ``upload``, put in the media library, committed (so its renditions are made)."""
    with committed():
        return ArticleFactory(lead_picture=ImageFactory(file=upload, alt_text="A picture"), **fields)


def rendition_files(original_name: str, *, crops: bool = False) -> list[str]:
    """The files in ``original_name``'s rendition folder, through the storage API (local disk or a bucket);
    a library picture's focal-point crops only with ``crops``."""
    try:
        found = sorted(default_storage.listdir(renditions.folder(original_name))[1])
    except FileNotFoundError:
        return []
    return found if crops else [name for name in found if not name.startswith("crop-")]
