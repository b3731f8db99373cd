"""Images on both media storages: local disk, and a bucket of an S3 API on loopback (``media_storage``).

Every test here runs twice. What is stored is checked from outside Django's storage: the file
system, or S3's own listing.
"""

import urllib.request
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.template import Context, Template

from articles.models import Article
from images import renditions
from tests.factories import image_file
from tests.helpers.images import story_with
from tests.helpers.object_storage import use_bucket

pytestmark = pytest.mark.django_db

EVERY_RENDITION = [f"{width}w.{extension}" for width in (160, 320, 640) for extension in ("jpg", "webp")]


def picture_of(story) -> str:
    return Template("{% load pictures %}{% picture story.lead_picture.file alt='A picture' %}").render(
        Context({"story": story})
    )


def test_an_upload_and_its_renditions_are_stored(media_storage, world, committed):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    stored = media_storage.files()
    folder = renditions.folder(story.lead_picture.file.name)
    assert story.lead_picture.file.name in stored
    made = sorted(name.removeprefix(f"{folder}/") for name in stored if name.startswith(folder))
    assert [name for name in made if not name.startswith("crop-")] == sorted(
        [*EVERY_RENDITION, "700w.jpg", "700w.webp"]
    )
    assert len([name for name in made if name.startswith("crop-")]) == 3  # the library's focal-point crops


def test_picture_urls_point_at_the_storage_and_serve_the_rendition(media_storage, world, committed, settings):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    html = picture_of(story)
    jpeg = f"{renditions.folder(story.lead_picture.file.name)}/700w.jpg"  # the fallback: the widest up to 960
    if media_storage.kind == "local":
        assert f'src="{settings.MEDIA_URL}{jpeg}"' in html
        return
    url = f"{media_storage.endpoint}/{media_storage.bucket}/{jpeg}"
    assert f'src="{url}"' in html and "X-Amz" not in html  # plain URLs pages and caches can keep
    # Readers fetch it straight from the bucket, with no credentials, and may keep it for a year.
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    grants = media_storage.client.get_object_acl(Bucket=media_storage.bucket, Key=jpeg)["Grants"]
    assert any(grant["Grantee"].get("URI", "").endswith("/global/AllUsers") for grant in grants)


def test_picture_urls_use_the_custom_domain(s3_endpoint, settings, world, committed):
    use_bucket(settings, s3_endpoint, AWS_S3_CUSTOM_DOMAIN="media.news.example")
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    html = picture_of(story)
    folder = renditions.folder(story.lead_picture.file.name)
    assert f'src="https://media.news.example/{folder}/700w.jpg"' in html
    assert f"https://media.news.example/{folder}/160w.webp 160w" in html


def test_replacing_an_image_removes_the_old_renditions(media_storage, world, committed):
    picture = story_with(image_file(size=(700, 500)), committed, section=world).lead_picture
    old = picture.file.name
    with committed():
        picture.file = image_file("new.jpg", size=(400, 300))
        picture.save()
    stored = media_storage.files()
    assert not [name for name in stored if name.startswith(f"{renditions.folder(old)}/")]
    assert f"{renditions.folder(picture.file.name)}/400w.webp" in stored
    assert old in stored  # originals are kept: revisions may refer to them

    with committed():
        Article.objects.all().delete()  # the story first: a picture it leads with cannot be deleted
        picture.delete()
    assert not [name for name in media_storage.files() if name.startswith("renditions/")]


def test_make_renditions_makes_what_is_missing(media_storage, world, committed):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    missing = f"{renditions.folder(story.lead_picture.file.name)}/320w.webp"
    default_storage.delete(missing)
    assert missing not in media_storage.files()

    out = StringIO()
    call_command("make_renditions", stdout=out)
    assert "1 given renditions (1 file)" in out.getvalue()
    assert missing in media_storage.files()
