"""A story body as readers get it: the stored HTML with its library pictures, galleries and embeds.

``articles.rendering`` stores markers where the writer put a picture, a gallery or a lone address
(sanitized HTML like the rest of the body). Here, on each render, they become reader HTML built
only by this module (``format_html``: every library field and address is escaped):

- a picture: ``<figure>`` with a responsive, lazily loaded ``<picture>`` (``{% picture %}``'s logic)
  and a caption with the credit; *nothing* when the picture was deleted or its licence has run out
  (checked against today's date, so a licence ending tonight stops showing tomorrow);
- a gallery: a list of such figures, all visible, with no script and nothing to operate;
- an embed: the provider, the title when the address tells it and a link to the original; a button
  (shown by ``static/js/embeds.js``) swaps in the provider's frame, so no request reaches the
  provider before the reader asks. Addresses of unknown providers stay links.

All of a body's pictures come from one query, however many there are.
"""

import datetime
import html
import re
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from images.templatetags.pictures import picture
from media_library.models import Image

from .embeds import Embed, find_embed

ATTRIBUTES = r'(?P<{}>(?: [a-z-]+="[^"]*")*)'
# The markers as nh3 writes them: attributes always double-quoted, with " < > & escaped inside.
MARKER = re.compile(
    r'<ul data-gallery="[^"]*">(?P<gallery>.*?)</ul>'
    r"|<figure" + ATTRIBUTES.format("figure") + r"></figure>"
    r'|<p data-embed="(?P<embed>[^"]*)">(?P<text>.*?)</p>',
    re.DOTALL,
)
FIGURE = re.compile(r"<figure" + ATTRIBUTES.format("attributes") + r"></figure>")
ATTRIBUTE = re.compile(r' ([a-z-]+)="([^"]*)"')
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
GALLERY_SIZES = "(min-width: 42rem) 20rem, calc(50vw - 1.5rem)"


@dataclass(frozen=True)
class PictureMarker:
    image_id: int
    alt: str | None
    caption: str | None

    @classmethod
    def parse(cls, attributes: str) -> "PictureMarker | None":
        values = {name: html.unescape(value) for name, value in ATTRIBUTE.findall(attributes)}
        image_id = values.get("data-picture", "")
        if not image_id.isascii() or not image_id.isdigit() or len(image_id) > 18:
            return None
        return cls(int(image_id), values.get("data-alt"), values.get("data-caption"))


@dataclass
class BodyMedia:
    """The body's reader HTML, with the pictures it shows and its embeds (for JSON-LD and the CSP)."""

    html: SafeString
    pictures: list[Image] = field(default_factory=list)
    embeds: list[Embed] = field(default_factory=list)
    # Pictures the body names that readers do not see: deleted (or never existing) or expired.
    hidden_ids: list[int] = field(default_factory=list)

    @property
    def frame_hosts(self) -> list[str]:
        return sorted({embed.frame_host for embed in self.embeds})


def picture_ids(body_html: str) -> list[int]:
    """The library pictures a stored body names, in order, each once."""
    ids = []
    for match in FIGURE.finditer(body_html):
        marker = PictureMarker.parse(match["attributes"])
        if marker is not None and marker.image_id not in ids:
            ids.append(marker.image_id)
    return ids


def render_body(
    body_html: str, *, on: datetime.date | None = None, images: dict[int, Image] | None = None
) -> BodyMedia:
    """The reader HTML of a stored body (one query when it names pictures, none otherwise).

    ``images``: the library pictures the body names, by id, when the caller has them (``Article.page_parts``).
    """
    ids = picture_ids(body_html)
    if images is None:
        images = Image.objects.in_bulk(ids) if ids else {}
    today = on or timezone.localdate()
    result = BodyMedia(html=mark_safe(""))
    usable = {pk: image for pk, image in images.items() if not image.licence_expired(today)}
    result.hidden_ids = [pk for pk in ids if pk not in usable]

    def figure(marker: PictureMarker | None, sizes: str) -> str:
        image = usable.get(marker.image_id) if marker else None
        if image is None:
            return ""
        shown = figure_html(image, alt=marker.alt, caption=marker.caption, sizes=sizes)
        if shown and image not in result.pictures:
            result.pictures.append(image)
        return shown

    def replace(match: re.Match) -> str:
        if match["gallery"] is not None:
            figures = [
                figure(PictureMarker.parse(found["attributes"]), GALLERY_SIZES)
                for found in FIGURE.finditer(match["gallery"])
            ]
            return gallery_html([shown for shown in figures if shown])
        if match["figure"] is not None:
            marker = PictureMarker.parse(match["figure"])
            return figure(marker, SIZES) if marker else match[0]
        url = html.unescape(match["embed"])
        embed = find_embed(url)
        if embed is not None:
            result.embeds.append(embed)
            return embed_html(embed)
        if url.lower().startswith(("http://", "https://")) and " " not in url:
            return format_html('<p><a href="{}" rel="noopener noreferrer">{}</a></p>', url, url)
        return format_html("<p>{}</p>", mark_safe(match["text"]))  # sanitized text, as stored

    result.html = mark_safe(MARKER.sub(replace, body_html))  # sanitized HTML and format_html's
    return result


def figure_html(image: Image, *, alt: str | None = None, caption: str | None = None, sizes: str = SIZES) -> str:
    shown = picture(image.file, alt=alt or image.alt_text, sizes=sizes)
    if not shown:
        return ""
    caption = image.caption if caption is None else caption
    parts = []
    if caption:
        parts.append(format_html("{}", caption))
    if image.credit:
        parts.append(format_html('<span class="credit">{}</span>', image.credit))
    figcaption = format_html("<figcaption>{}</figcaption>", mark_safe(" ".join(parts))) if parts else ""
    return format_html('<figure class="body-figure">{}{}</figure>', shown, figcaption)


def gallery_html(figures: list[str]) -> str:
    if not figures:
        return ""
    count = len(figures)
    label = f"Gallery of {count} picture{'s' if count != 1 else ''}"
    items = format_html_join("", "<li>{}</li>", ((mark_safe(shown),) for shown in figures))
    return format_html('<div class="gallery" role="group" aria-label="{}"><ul role="list">{}</ul></div>', label, items)


def embed_html(embed: Embed) -> str:
    provider = embed.provider.name
    title = embed.title or f"Content from {provider}"
    heading = format_html("<strong>{}</strong>{}", provider, format_html(": {}", embed.title) if embed.title else "")
    return format_html(
        '<figure class="embed embed--{shape}" data-embed-src="{frame}" data-embed-title="{title}">'
        '<div class="embed__placeholder">'
        '<p class="embed__provider">{heading}</p>'
        '<p><button type="button" class="embed__load" hidden>'
        "Load content from {provider} — this sets cookies</button></p>"
        '<p class="embed__note">Nothing is loaded from {provider} until you ask for it.</p>'
        '<p><a class="embed__link" href="{url}" rel="noopener noreferrer">View on {provider}</a></p>'
        "</div></figure>",
        shape=embed.provider.shape,
        frame=embed.frame_url,
        title=title,
        heading=heading,
        provider=provider,
        url=embed.url,
    )


def picture_warnings(body_html: str, *, on: datetime.date | None = None) -> list[str]:
    """What the desk should be told about the body's pictures: named but missing, or licence run out."""
    ids = picture_ids(body_html)
    if not ids:
        return []
    images = Image.objects.in_bulk(ids)
    today = on or timezone.localdate()
    warnings = []
    for pk in ids:
        image = images.get(pk)
        if image is None:
            warnings.append(f"The body names picture {pk}, which is not in the library: readers see nothing there.")
        elif image.licence_expired(today):
            warnings.append(
                f"The picture “{image}” (image:{pk}) in the body has a licence that ran out on "
                f"{image.licence_expires.isoformat()}: readers do not see it."
            )
    return warnings
