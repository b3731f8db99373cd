"""Stories with pictures, and the renditions on disk."""

from pathlib import Path

from django.core.files.storage import default_storage

from articles.models import Article
from images import renditions
from tests.factories import ArticleFactory


def story_with(upload, committed, **fields) -> Article:
    with committed():
        return ArticleFactory(lead_image=upload, lead_image_alt="A picture", **fields)


def rendition_files(original_name: str) -> list[str]:
    folder = Path(default_storage.path(renditions.folder(original_name)))
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []
