"""``manage.py make_renditions``: makes what is missing, reports, and is safe to rerun."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from images import renditions
from tests.factories import AuthorFactory, ImageFactory, image_file
from tests.helpers.images import rendition_files, story_with

pytestmark = pytest.mark.django_db


def make_renditions(*args: str) -> str:
    out = StringIO()
    call_command("make_renditions", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_make_renditions_makes_what_is_missing_and_reports(world, committed):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    with committed():
        AuthorFactory(photo=ImageFactory(file=image_file(size=(200, 200))))
    default_storage.delete(f"{renditions.folder(story.lead_picture.file.name)}/320w.webp")

    output = make_renditions()
    # Lead pictures and author photos are library pictures; stories' own social images come apart.
    assert "Pictures: 2 images\n" in output and "Stories: 0 images\n" in output
    assert f"{story.lead_picture.file.name}: 1 file written" in output
    assert output.strip().endswith("2 images checked: 1 given renditions (1 file), 1 already complete, 0 failed.")
    assert "320w.webp" in rendition_files(story.lead_picture.file.name)

    assert make_renditions().strip().endswith("0 given renditions (0 files), 2 already complete, 0 failed.")
    assert "2 given renditions (18 files)" in make_renditions("--force")  # 12 renditions, 6 crops


def test_make_renditions_reports_a_missing_original_and_carries_on(world, committed):
    broken = story_with(image_file(), committed, section=world)
    ImageFactory(file=image_file(size=(300, 300)), alt_text="No renditions yet")
    default_storage.delete(broken.lead_picture.file.name)
    out = StringIO()
    with pytest.raises(CommandError, match=r"1 given renditions .* 1 failed"):
        call_command("make_renditions", stdout=out, stderr=out)
    assert f"{broken.lead_picture.file.name}: failed" in out.getvalue()


def test_make_renditions_counts_a_file_shared_by_two_rows_once(world, committed):
    story = story_with(image_file(), committed, section=world)
    ImageFactory(file=story.lead_picture.file.name, alt_text="The same picture")
    assert "Pictures: 1 image\n" in make_renditions()
