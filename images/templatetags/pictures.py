"""``{% picture %}``: an uploaded image as a responsive ``<picture>`` of its renditions.

    {% load pictures %}
    {% picture article.lead.file alt=article.lead.alt sizes="(min-width: 42rem) 40rem, 100vw" class="x" %}

Everything comes from the image's stored name, width and height (see
``images.renditions``): rendering costs no query and no look at storage, except
while a worker may still be making an image's renditions (a broker is
configured): then storage is asked once whether they exist, and until they do
the original is shown at the size the rendition would have had, never a broken
image. Once found, an image's renditions are remembered for the process's life
(a new image always has a new name).
"""

import re

from django import template
from django.conf import settings
from django.core.files.storage import Storage
from django.core.signals import setting_changed
from django.db.models.fields.files import ImageFieldFile
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from images.renditions import Rendition, renditions

register = template.Library()

# The JPEG named in ``src`` for a browser that ignores srcset: a middling width.
FALLBACK_WIDTH = 960
# Names of originals whose renditions were found in storage (made by a worker); bounded.
_READY: set[str] = set()
_READY_LIMIT = 10_000
# Markup already written, by everything it depends on: a story card's picture is the same on every
# page and every request until its image changes (a new image always has a new name). Media URLs are
# public and unsigned (``querystring_auth`` off), so the markup never goes stale. Bounded.
_MARKUP: dict[tuple, SafeString] = {}
_MARKUP_LIMIT = 5_000
MARKUP_SETTINGS = {"STORAGES", "MEDIA_URL", "MEDIA_ROOT", "CELERY_TASK_ALWAYS_EAGER"}


def _forget_markup(setting: str, **kwargs) -> None:
    """Where media is served from changed (tests): markup written for the former place is forgotten."""
    if setting in MARKUP_SETTINGS:
        _MARKUP.clear()


setting_changed.connect(_forget_markup, dispatch_uid="images.pictures.forget_markup")
ATTRIBUTE_NAME = re.compile(r"^[a-z][a-z0-9-]*$")


@register.simple_tag
def picture(image: ImageFieldFile | None, **options: str) -> SafeString | str:
    """``<picture>`` with WebP and JPEG srcsets; nothing at all when there is no image.

    Takes ``stored_picture``'s options: ``alt``, ``sizes``, ``loading="lazy"`` (the default) for images
    below the fold or ``loading="eager"`` with ``fetchpriority="high"`` for the one that is the page's
    largest paint; other keywords (``class``…) go on the ``<img>``.
    """
    if not image:
        return stored_picture(None, "", None, None, **options)
    return stored_picture(image.storage, image.name, *_stored_size(image), **options)


def stored_picture(
    storage: Storage | None,
    name: str,
    width: int | None,
    height: int | None,
    *,
    alt: str = "",
    sizes: str = "100vw",
    loading: str = "lazy",
    fetchpriority: str = "",
    **attributes: str,
) -> SafeString | str:
    """``picture()`` of an image known by its storage, stored name, width and height (a row read with
    ``values()``, no model instance): the same markup; nothing without a name."""
    if loading not in {"lazy", "eager"}:
        raise template.TemplateSyntaxError(f'{{% picture %}} takes loading="lazy" or "eager", not {loading!r}.')
    if not name:
        return ""
    for name_ in attributes:
        if not ATTRIBUTE_NAME.match(name_):
            raise template.TemplateSyntaxError(f"{{% picture %}} does not take an attribute named {name_!r}.")
    img_attributes = {"alt": alt or "", **attributes, "decoding": "async"}
    if loading == "lazy":
        img_attributes["loading"] = "lazy"
    if fetchpriority:
        img_attributes["fetchpriority"] = fetchpriority

    if not (width and height):
        # Django measures an image whenever a row lacks its size, so none here
        # means the file is not a readable picture: there is nothing to show.
        return ""
    key = (id(storage), name, width, height, sizes, tuple(img_attributes.items()))
    markup = _MARKUP.get(key)
    if markup is None:
        markup = _markup(storage, name, width, height, sizes, img_attributes)
    return markup


def _markup(storage: Storage, name: str, width: int, height: int, sizes: str, img_attributes: dict) -> SafeString:
    url = storage.url
    webp = renditions(name, width, height, "webp")
    jpeg = renditions(name, width, height, "jpg")
    fallback = max((r for r in jpeg if r.width <= FALLBACK_WIDTH), key=lambda r: r.width, default=jpeg[0])
    if not _ready(storage, name, last_written=jpeg[0]):
        # Not remembered: the renditions are on their way, and the next page should link to them.
        img = {"src": url(name), "width": fallback.width, "height": fallback.height, **img_attributes}
        return format_html("<img{}>", _attributes(img))
    source = {"type": webp[0].mime_type, "srcset": _srcset(webp, url), "sizes": sizes}
    img = {
        "src": url(fallback.name),
        "srcset": _srcset(jpeg, url),
        "sizes": sizes,
        "width": fallback.width,
        "height": fallback.height,
        **img_attributes,
    }
    markup = format_html("<picture><source{}><img{}></picture>", _attributes(source), _attributes(img))
    if len(_MARKUP) >= _MARKUP_LIMIT:
        _MARKUP.clear()
    _MARKUP[(id(storage), name, width, height, sizes, tuple(img_attributes.items()))] = markup
    return markup


def renditions_known(name: str) -> bool:
    """Whether the markup of the image stored as ``name`` is final: its renditions are known to exist
    (made in-process, or found in storage). Until then ``{% picture %}`` shows the original, for now."""
    return settings.CELERY_TASK_ALWAYS_EAGER or name in _READY


def renditions_ready(image: ImageFieldFile) -> bool:
    """Whether ``image``'s renditions may be linked to, by the rule ``{% picture %}`` follows (see above)."""
    width, height = _stored_size(image)
    if not (image and width and height):
        return False
    return _renditions_ready(image, last_written=renditions(image.name, width, height, "jpg")[0])


def _renditions_ready(image: ImageFieldFile, *, last_written: Rendition) -> bool:
    return _ready(image.storage, image.name, last_written=last_written)


def _ready(storage: Storage, name: str, *, last_written: Rendition) -> bool:
    # In-process (no broker), renditions are made as the save commits: assumed, never looked for.
    if settings.CELERY_TASK_ALWAYS_EAGER or name in _READY:
        return True
    # Renditions are written widest first, WebP before JPEG: the narrowest JPEG, written last, says
    # that all are there.
    if not storage.exists(last_written.name):
        return False
    if len(_READY) >= _READY_LIMIT:
        _READY.clear()
    _READY.add(name)
    return True


def _stored_size(image: ImageFieldFile) -> tuple[int | None, int | None]:
    # Read from the row's width and height fields: ``image.width`` would open the file.
    field = image.field
    width = getattr(image.instance, field.width_field, None) if field.width_field else None
    height = getattr(image.instance, field.height_field, None) if field.height_field else None
    return width, height


def _srcset(candidates: list[Rendition], url) -> str:
    return ", ".join(f"{url(r.name)} {r.width}w" for r in candidates)


def _attributes(attributes: dict[str, object]) -> SafeString:
    return format_html_join("", ' {}="{}"', attributes.items())
