"""``MEDIA_STORAGE``: local disk by default, an S3-compatible bucket with ``s3``, a clear error otherwise."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.helpers.object_storage import default_storage_setting, s3_environment


def test_local_disk_is_the_default():
    assert default_storage_setting({})["BACKEND"] == "django.core.files.storage.FileSystemStorage"


def test_s3_stores_public_immutable_objects_under_plain_urls():
    environment = s3_environment("https://s3.example", "newsroom-media", AWS_S3_CUSTOM_DOMAIN="media.example")
    storage = default_storage_setting(environment)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert options["bucket_name"] == "newsroom-media" and options["endpoint_url"] == "https://s3.example"
    assert options["custom_domain"] == "media.example"
    assert options["default_acl"] == "public-read" and options["querystring_auth"] is False
    assert options["file_overwrite"] is False
    assert options["object_parameters"] == {"CacheControl": "public, max-age=31536000, immutable"}


def test_buckets_without_acls_are_configured_with_an_empty_acl():
    environment = s3_environment("https://r2.example", "media", AWS_DEFAULT_ACL="")
    assert default_storage_setting(environment)["OPTIONS"]["default_acl"] is None


def test_s3_without_a_bucket_says_what_is_missing():
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"):
        default_storage_setting({"MEDIA_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": ""})


def test_an_unknown_media_storage_is_refused():
    with pytest.raises(ImproperlyConfigured, match="MEDIA_STORAGE must be local or s3, not 'ftp'"):
        default_storage_setting({"MEDIA_STORAGE": "ftp"})
