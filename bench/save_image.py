#!/usr/bin/env python
"""Server time of an editor's upload of a 24-megapixel camera JPEG to the media library, without and with a broker.

    .venv/bin/python bench/save_image.py              # 5 saves in each mode
    .venv/bin/python bench/save_image.py --saves 10

For each mode it runs a child process on a fresh SQLite database (DEBUG off, media in a temporary
folder) that posts the library's "add picture" form with a 6000×4000 JPEG (about 6 MB, with camera EXIF and
GPS, stripped during the save as every upload is: by its segments, without decoding, see images/jpeg.py)
``--saves`` times, through
Django's test client in-process: the time measured is the server's, from the request to the
response, including what runs when the save commits.

- ``in-process``: no broker, the default; the renditions are made as the save commits, in the request.
- ``broker``: ``CELERY_BROKER_URL`` names a redis-server of our own on a free port, and a Celery worker
  (``--pool solo``) makes the renditions; the figure after the save times is how long after the response
  the last rendition was on disk.

It prints each save's time and the median per mode, and what the upload's checks and metadata
stripping cost alone, which stay in the request in both modes (no pass or fail: figures for
docs/performance.md).
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))


def photo() -> bytes:
    """A 24-megapixel JPEG with camera metadata (orientation, GPS, make) and varied content."""
    from io import BytesIO

    from PIL import ExifTags, Image

    size = (6000, 4000)
    noise = Image.effect_noise((1500, 1000), 40).resize(size, Image.Resampling.BICUBIC)
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (noise, gradient, Image.blend(noise, gradient, 0.5)))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 1
    exif[ExifTags.Base.Make] = "CameraMaker"
    exif[ExifTags.Base.Model] = "Full Frame 24"
    exif.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] = "N"
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


def child(saves: int, media: Path) -> None:
    """In the child process, with the environment set: migrate, then post the form ``saves`` times."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from accounts import two_factor
    from images import renditions

    call_command("migrate", verbosity=0)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("chief", "chief@example.org", "unused"))
    session = client.session  # signed in with the second factor too, as the chief would be
    session[two_factor.SESSION_KEY] = two_factor.VERIFIED
    session.save()
    data = photo()
    print(f"  photo: 6000×4000 JPEG, {len(data) / 1e6:.1f} MB", flush=True)
    times, ready = [], []
    from media_library.models import Image as LibraryImage

    for number in range(saves):
        upload = SimpleUploadedFile("DSC_0001.JPG", data, content_type="image/jpeg")
        form = {"file": upload, "alt_text": f"Picture {number}", "licence": "staff", "focal_x": 0.5, "focal_y": 0.5}
        started = time.perf_counter()
        response = client.post("/admin/media_library/image/add/", form)
        elapsed = time.perf_counter() - started
        assert response.status_code == 302, response.content[:2000]
        times.append(elapsed)
        name = LibraryImage.objects.get(alt_text=f"Picture {number}").file.name
        last = media / renditions.renditions(name, 6000, 4000, "jpg")[0].name
        while not last.exists():
            time.sleep(0.01)
        ready.append(time.perf_counter() - started - elapsed)
        print(f"  save {number + 1}: {elapsed * 1000:.0f} ms; renditions on disk {ready[-1] * 1000:.0f} ms later")
    print(f"  median save: {statistics.median(times) * 1000:.0f} ms", flush=True)
    # What of the save stays in the request with a broker: the upload's checks and its cleaning.
    from images.uploads import clean_upload, validate_image_file

    checks, cleaning = [], []
    for _ in range(3):
        upload = SimpleUploadedFile("DSC_0001.JPG", data, content_type="image/jpeg")
        started = time.perf_counter()
        validate_image_file(upload)
        checks.append(time.perf_counter() - started)
        upload.seek(0)
        started = time.perf_counter()
        clean_upload(upload)
        cleaning.append(time.perf_counter() - started)
    print(
        f"  of which, alone: upload checks {statistics.median(checks) * 1000:.0f} ms, "
        f"metadata stripping {statistics.median(cleaning) * 1000:.0f} ms",
        flush=True,
    )
    print(f"  median renditions ready after the response: {statistics.median(ready) * 1000:.0f} ms", flush=True)


def run_mode(mode: str, saves: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix=f"bench-save-{mode}-"))
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"}},
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz-0123",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(folder / "media"),
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    redis = worker = None
    try:
        if mode == "broker":
            from tests.helpers.servers import start_redis

            started = start_redis()
            if started is None:
                sys.exit("redis-server is not installed (apt-get install redis-server).")
            redis, url = started
            env["CELERY_BROKER_URL"] = url
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "newsroom", "worker", "--pool", "solo", "--loglevel", "WARNING"],
                cwd=PROJECT,
                env=env,
                start_new_session=True,
            )
        print(f"{mode}:", flush=True)
        subprocess.run(
            [sys.executable, __file__, "--child", "--saves", str(saves), "--media", str(folder / "media")],
            cwd=PROJECT,
            env=env,
            check=True,
        )
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(20)
        if redis is not None:
            redis.terminate()
            redis.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--media", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.saves, args.media)
        return
    for mode in ("in-process", "broker"):
        run_mode(mode, args.saves)


if __name__ == "__main__":
    main()
