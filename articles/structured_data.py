"""Structured data for search engines: schema.org JSON-LD for the reader pages.

Builders return plain dicts (absolute URLs from the request); the ``json_ld``
template filter prints each inside a ``<script type="application/ld+json">``.
A view passes one dict, or a list of them, as ``structured_data``.
"""

from django.conf import settings
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from authors.models import Author

from .embeds import Embed
from .models import Article, SharingImage

# The publisher's logo, in static files, and its size in pixels.
LOGO = "img/logo.png"
LOGO_SIZE = (512, 512)
# The sharing card of pages without a picture of their own (the logo on a wide card), and its size.
CARD = "img/card.png"
CARD_SIZE = (1200, 630)


def news_article(article: Article, request: HttpRequest) -> dict:
    """``NewsArticle`` for a story page (bylines, section and tags prefetched)."""
    url = request.build_absolute_uri(article.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": article.search_description,
        "datePublished": timezone.localtime(article.published_at).isoformat(),
        "dateModified": timezone.localtime(article.last_changed_at).isoformat(),
        "author": [person(author, request) for author in article.byline_authors],
        "publisher": publisher(request),
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags_in_order],
        "inLanguage": settings.LANGUAGE_CODE,
    }
    if article.seo_title:
        data["alternativeHeadline"] = article.seo_title
    # The picture chosen for sharing first, then the lead picture if it is another one: a library
    # picture as its focal-point crops (16:9, 4:3, 1:1), which search engines pick from by shape.
    lead = article.lead
    images = [image_object(article.sharing_image, request)] if article.social_image else []
    if lead:
        images += lead.picture.image_objects(request.build_absolute_uri)
    # Then the body's pictures, as crops too (each once; a lead picture repeated in the body is not).
    shown = {lead.picture.pk} if lead else set()
    for picture in article.body_media.pictures:
        if picture.pk not in shown:
            shown.add(picture.pk)
            images += picture.image_objects(request.build_absolute_uri)
    if images:
        data["image"] = images
    videos = [video_object(embed) for embed in article.body_media.embeds if embed.provider.key in VIDEO_THUMBNAILS]
    if videos:
        data["video"] = videos
    corrections = article.corrections_shown
    if corrections:
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": f"{correction.get_kind_display()}: {correction.note}",
                "datePublished": timezone.localtime(correction.created_at).isoformat(),
            }
            for correction in corrections
        ]
    return data


# Video embeds the address says enough about for a ``VideoObject``; YouTube's thumbnail is named by the
# video's id (data for search engines: the page itself never requests it).
VIDEO_THUMBNAILS = {"youtube": "https://i.ytimg.com/vi/{id}/hqdefault.jpg", "vimeo": ""}


def video_object(embed: Embed) -> dict:
    data = {"@type": "VideoObject", "name": embed.title or f"Video on {embed.provider.name}"}
    data.update(url=embed.url, embedUrl=embed.frame_url)
    if thumbnail := VIDEO_THUMBNAILS.get(embed.provider.key):
        data["thumbnailUrl"] = thumbnail.format(**embed.parts)
    return data


def image_object(image: SharingImage, request: HttpRequest) -> dict:
    data = {"@type": "ImageObject", "url": request.build_absolute_uri(image.file.url)}
    if image.width:
        data.update(width=image.width, height=image.height)
    return data


def profile_page(author: Author, request: HttpRequest) -> dict:
    """``ProfilePage`` for an author page, with the author as its ``Person``."""
    about = person(author, request)
    if author.role:
        about["jobTitle"] = author.role
    if author.bio:
        about["description"] = author.bio
    if author.links:
        about["sameAs"] = [url for _, url in author.links]
    about["worksFor"] = {"@type": "Organization", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")}
    return {
        "@context": "https://schema.org",
        "@type": "ProfilePage",
        "url": about["url"],
        "dateCreated": timezone.localtime(author.created_at).isoformat(),
        "dateModified": timezone.localtime(author.updated_at).isoformat(),
        "mainEntity": about,
    }


def person(author: Author, request: HttpRequest) -> dict:
    """A byline's ``Person``, with the photo readers see (a library picture, loaded with the bylines)."""
    data = {"@type": "Person", "name": author.name, "url": request.build_absolute_uri(author.get_absolute_url())}
    if author.portrait:
        data["image"] = request.build_absolute_uri(author.portrait.file.url)
    return data


def publisher(request: HttpRequest) -> dict:
    width, height = LOGO_SIZE
    return {
        "@type": "Organization",
        "name": settings.SITE_NAME,
        "url": request.build_absolute_uri("/"),
        "logo": {
            "@type": "ImageObject",
            "url": request.build_absolute_uri(static(LOGO)),
            "width": width,
            "height": height,
        },
    }


def front_page_graph(request: HttpRequest) -> list[dict]:
    """The front page: the ``WebSite`` with its search (a sitelinks search box) and the ``Organization``."""
    home = request.build_absolute_uri("/")
    search = request.build_absolute_uri(reverse("articles:search"))
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": home,
        "description": settings.SITE_TAGLINE,
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": {"@type": "Organization", "name": settings.SITE_NAME, "url": home},
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": f"{search}?q={{search_term_string}}"},
            "query-input": "required name=search_term_string",
        },
    }
    organization = {"@context": "https://schema.org", **publisher(request)}
    if settings.SITE_SAME_AS:
        organization["sameAs"] = list(settings.SITE_SAME_AS)
    return [website, organization]


def collection_page(request: HttpRequest, *, name: str, description: str, url: str) -> dict:
    """``CollectionPage`` for a list of stories (a section), part of the ``WebSite``."""
    return {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": request.build_absolute_uri(url),
        "inLanguage": settings.LANGUAGE_CODE,
        "isPartOf": {"@type": "WebSite", "name": settings.SITE_NAME, "url": request.build_absolute_uri("/")},
    }


def breadcrumb_list(request: HttpRequest, trail: list[tuple[str, str]]) -> dict:
    """``BreadcrumbList`` of the trail a page shows, from the front page to the page itself: (name, path)."""
    crumbs = [(settings.SITE_NAME, "/"), *trail]
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": request.build_absolute_uri(path)}
            for position, (name, path) in enumerate(crumbs, start=1)
        ],
    }
