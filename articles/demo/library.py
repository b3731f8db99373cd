"""The demo's media library: illustrations as library pictures, put inside stories' bodies so a new
user sees a figure (in the sample story), a gallery and a YouTube embed on ``make run``.

Pictures are made only together with the story that shows them, so loading the demo again adds none.
"""

from django.core.files.base import ContentFile

from media_library.models import Image, Licence

from ..models import Article
from .illustrations import alt_text, illustration

CREDIT = "Illustration: Buna Times"

# (motif, section palette, caption) of the sample story's figure, and of the reef story's gallery.
SAMPLE_FIGURE = ("rings", "europe", "Kyiv, where Mark Rutte made his first visit as NATO Secretary General.")
GALLERY = [
    ("waves", "science", "The reef's northern edge, where most new coral was counted."),
    ("circles", "science", "Divers mark each survey square before counting."),
    ("tiles", "science", "Sea-surface temperatures over the last ten summers."),
]
GALLERY_STORY = "Survey finds surprising recovery on bleached southern reef"
# Blender Foundation's "Big Buck Bunny" (CC BY 3.0) stands in for a story's video.
EMBED_STORY = "A garden above the river: a Ukrainian novel finds its voice in translation"
EMBED = (
    "An animated short stands in here for a story's video (Blender Foundation, CC BY):\n\n"
    "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
)


def library_picture(motif: str, section: str, caption: str) -> Image:
    # Saved as an upload (not stored first with ``file.save``) so that the save reads its width and height:
    # a picture without them is opened from storage each time a page loads it.
    picture = Image(
        alt_text=alt_text(motif, section),
        caption=caption,
        credit=CREDIT,
        copyright_holder="Buna Times",
        licence=Licence.STAFF,
        file=ContentFile(illustration(motif, section, caption), name="illustration.jpg"),
    )
    picture.save()
    return picture


def after_paragraph(body: str, number: int, block: str) -> str:
    """``body`` with ``block`` after its ``number``-th paragraph of text (headings, quotes and lists are not
    counted); at the end if it has fewer."""
    blocks = body.split("\n\n")
    seen = 0
    for position, text in enumerate(blocks):
        if text.strip() and not text.lstrip().startswith(("#", ">", "-", "*", "|", ":::")):
            seen += 1
            if seen == number:
                return "\n\n".join([*blocks[: position + 1], block, *blocks[position + 1 :]])
    return "\n\n".join([*blocks, block])


def add_sample_figure(article: Article) -> None:
    """The sample story (not yet saved) gets a figure after its second paragraph."""
    picture = library_picture(*SAMPLE_FIGURE)
    article.body = after_paragraph(article.body, 2, f"![](image:{picture.pk})")


def add_body_media(article: Article) -> None:
    """A demo story (not yet saved) gets its gallery or embed, if it is one of those that have one."""
    if article.title == GALLERY_STORY:
        lines = [f'![](image:{library_picture(*picture).pk} "{picture[2]}")' for picture in GALLERY]
        article.body = after_paragraph(article.body, 3, "::: gallery\n" + "\n".join(lines) + "\n:::")
    elif article.title == EMBED_STORY:
        article.body = after_paragraph(article.body, 2, EMBED)
