"""A story's lead image as the API names it: the original, its JPEG renditions and its focal-point crops.

The addresses depend only on the picture's stored name, size and focal point, and a new upload always
gets a new name: they are worked out once per picture and kept (bounded), as ``{% picture %}`` keeps its
markup. Working them out (a storage ``url()`` per rendition and crop) was most of a list page's
serializing (``bench/instructions.py``). Media URLs are public and unsigned (``querystring_auth`` off), so
a kept address never goes stale; a test changing where media is served from empties the memo.
"""

from collections.abc import Callable

from django.core.signals import setting_changed

from articles.models import Article
from images.renditions import renditions
from images.templatetags.pictures import MARKUP_SETTINGS, renditions_ready

# (storage, name, width, height, focal point) → (original, [(width, rendition)…], [crop…]), site-relative.
_ADDRESSES: dict[tuple, tuple[str, list[tuple[int, str]], list[str]]] = {}
_ADDRESSES_LIMIT = 5_000


def _forget(setting: str, **kwargs) -> None:
    if setting in MARKUP_SETTINGS:
        _ADDRESSES.clear()


setting_changed.connect(_forget, dispatch_uid="api.lead_images.forget")


def _addresses(picture) -> tuple[str, list[tuple[int, str]], list[str]]:
    file = picture.file
    key = (id(file.storage), file.name, picture.width, picture.height, picture.focal_x, picture.focal_y)
    found = _ADDRESSES.get(key)
    if found is not None:
        return found
    url = file.storage.url
    if not (file and picture.width and picture.height):
        return url(file.name) if file else "", [], []
    if not renditions_ready(file):
        # A worker is still making them (seconds after an upload): the original alone, and not kept.
        return url(file.name), [(picture.width, url(file.name))], [url(crop.name) for crop in picture.crops()]
    found = (
        url(file.name),
        # Each JPEG rendition once, narrowest first, as ``{% picture %}``'s srcset lists them.
        [(r.width, url(r.name)) for r in renditions(file.name, picture.width, picture.height, "jpg")],
        [url(crop.name) for crop in picture.crops()],
    )
    if len(_ADDRESSES) >= _ADDRESSES_LIMIT:
        _ADDRESSES.clear()
    _ADDRESSES[key] = found
    return found


def lead_image(story: Article, site: Callable[[str], str]) -> dict | None:
    """The lead picture readers see (``Article.lead``), ``site`` making addresses absolute: none when there is
    none or its licence ran out."""
    lead = story.lead
    if lead is None:
        return None
    original, sized, crops = _addresses(lead.picture)
    return {
        "url": site(original),
        "width": lead.width,
        "height": lead.height,
        "alt": lead.alt,
        "caption": lead.caption,
        "credit": lead.credit,
        "renditions": [{"width": width, "url": site(url)} for width, url in sized],
        "crops": [site(url) for url in crops],
    }
