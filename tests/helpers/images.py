"""Stories with pictures, and their renditions in storage."""

from django.core.files.storage import default_storage

from articles.models import Article
from images import renditions
from tests.factories import ArticleFactory


def story_with(upload, committed, **fields) -> Article:
    with committed():
        return ArticleFactory(lead_image=upload, lead_image_alt="A picture", **fields)


def rendition_files(original_name: str) -> list[str]:
    """The files in ``original_name``'s rendition folder, through the storage API (local disk or a bucket)."""
    try:
        return sorted(default_storage.listdir(renditions.folder(original_name))[1])
    except FileNotFoundError:
        return []
