"""The articles app's models, one file per concern; every model is importable from here as before."""

from ..addresses import section_url
from .body_pictures import BodyPicture
from .front_page import FrontPage, FrontPageSlot
from .imports import ImportedItem
from .pages import PublicationPage
from .records import Correction, CorrectionQuerySet, PreviewLink, PreviewLinkUse, Revision, Transition
from .sections import Section, SectionTree
from .sources import Source
from .stories import (
    RELATED_CANDIDATES_PER_TAG,
    RELATED_TAGS_CONSIDERED,
    Article,
    ArticleManager,
    ArticleQuerySet,
    Byline,
    FormerSlug,
    SharingImage,
    StoryInReview,
    TaggedArticle,
    joined_names,
)

__all__ = [
    "RELATED_CANDIDATES_PER_TAG",
    "RELATED_TAGS_CONSIDERED",
    "Article",
    "ArticleManager",
    "ArticleQuerySet",
    "BodyPicture",
    "Byline",
    "Correction",
    "CorrectionQuerySet",
    "FormerSlug",
    "FrontPage",
    "FrontPageSlot",
    "ImportedItem",
    "PreviewLink",
    "PreviewLinkUse",
    "PublicationPage",
    "Revision",
    "Section",
    "SectionTree",
    "SharingImage",
    "Source",
    "StoryInReview",
    "TaggedArticle",
    "Transition",
    "joined_names",
    "section_url",
]
