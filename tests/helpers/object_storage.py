"""The ``media_storage`` fixture: media on local disk, or in a bucket of an S3 API served on loopback.

The S3 API is moto's server (``ThreadedMotoServer``), started once per test process on a free
port; each test gets a bucket of its own. The storage is configured by ``newsroom/settings.py``
itself, run with ``MEDIA_STORAGE=s3``, so what is tested is what production gets.
"""

import hashlib
import os
import runpy
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest

from tests.helpers.servers import free_port

REGION = "us-east-1"
SETTINGS = Path(__file__).resolve().parents[2] / "newsroom" / "settings.py"


@dataclass
class MediaStorage:
    """Where the test's media is, and what is stored there, seen from outside Django's storage."""

    kind: str  # "local" or "s3"
    root: Path | None = None
    bucket: str = ""
    endpoint: str = ""
    client: object = None

    def files(self) -> dict[str, str]:
        """Every stored file's name and SHA-256, listed by the file system or by S3 itself."""
        if self.kind == "local":
            if not self.root.exists():
                return {}
            return {
                path.relative_to(self.root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
                for path in self.root.rglob("*")
                if path.is_file()
            }
        files = {}
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            for item in page.get("Contents", []):
                body = self.client.get_object(Bucket=self.bucket, Key=item["Key"])["Body"].read()
                files[item["Key"]] = hashlib.sha256(body).hexdigest()
        return files

    def empty(self) -> None:
        """Remove every file, as on a new machine (or a new bucket)."""
        if self.kind == "local":
            for path in sorted(self.root.rglob("*"), reverse=True) if self.root.exists() else []:
                path.unlink() if path.is_file() else path.rmdir()
            return
        for name in self.files():
            self.client.delete_object(Bucket=self.bucket, Key=name)


def default_storage_setting(environment: dict[str, str]) -> dict:
    """``STORAGES["default"]`` as ``newsroom/settings.py`` makes it from ``environment``."""
    with mock.patch.dict(os.environ, environment):
        return runpy.run_path(str(SETTINGS))["STORAGES"]["default"]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """An S3 API on loopback for this test process (moto's server in a thread)."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def s3_environment(endpoint: str, bucket: str, **more: str) -> dict[str, str]:
    return {
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": bucket,
        "AWS_S3_ENDPOINT_URL": endpoint,
        "AWS_S3_REGION_NAME": REGION,
        "AWS_ACCESS_KEY_ID": "newsroom-test",
        "AWS_SECRET_ACCESS_KEY": "newsroom-test-secret",
        **more,
    }


def use_bucket(settings, endpoint: str, **more: str) -> MediaStorage:
    """Point the default storage at a new, empty bucket; returns how to look into it."""
    import boto3

    bucket = f"media-{uuid.uuid4().hex[:12]}"
    environment = s3_environment(endpoint, bucket, **more)
    client = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=environment["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environment["AWS_SECRET_ACCESS_KEY"],
    )
    client.create_bucket(Bucket=bucket)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_setting(environment)}
    return MediaStorage("s3", bucket=bucket, endpoint=endpoint, client=client)


@pytest.fixture(params=["local", "s3"])
def media_storage(request, settings) -> MediaStorage:
    """The test runs twice: media on local disk (the default), and in a bucket of an S3 API."""
    if request.param == "local":
        return MediaStorage("local", root=Path(settings.MEDIA_ROOT))
    return use_bucket(settings, request.getfixturevalue("s3_endpoint"))
