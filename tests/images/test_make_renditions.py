"""``manage.py make_renditions``: makes what is missing, reports, and is safe to rerun."""

from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from images import renditions
from tests.factories import ArticleFactory, AuthorFactory, image_file
from tests.helpers.images import rendition_files, story_with

pytestmark = pytest.mark.django_db


def make_renditions(*args: str) -> str:
    out = StringIO()
    call_command("make_renditions", *args, stdout=out, stderr=out)
    return out.getvalue()


def test_make_renditions_makes_what_is_missing_and_reports(world, committed):
    story = story_with(image_file(size=(700, 500)), committed, section=world)
    with committed():
        AuthorFactory(photo=image_file(size=(200, 200)))
    default_storage.delete(f"{renditions.folder(story.lead_image.name)}/320w.webp")

    output = make_renditions()
    assert "Stories: 1 image\n" in output and "Authors: 1 image\n" in output
    assert f"[1/1] {story.lead_image.name}: 1 file written" in output
    assert output.strip().endswith("2 images checked: 1 given renditions (1 file), 1 already complete, 0 failed.")
    assert "320w.webp" in rendition_files(story.lead_image.name)

    assert make_renditions().strip().endswith("0 given renditions (0 files), 2 already complete, 0 failed.")
    assert "2 given renditions (12 files)" in make_renditions("--force")


def test_make_renditions_reports_a_missing_original_and_carries_on(world, committed):
    broken = story_with(image_file(), committed, section=world)
    ArticleFactory(section=world, lead_image=image_file(size=(300, 300)), lead_image_alt="No renditions yet")
    default_storage.delete(broken.lead_image.name)
    out = StringIO()
    with pytest.raises(CommandError, match=r"1 given renditions .* 1 failed"):
        call_command("make_renditions", stdout=out, stderr=out)
    assert f"{broken.lead_image.name}: failed" in out.getvalue()


def test_make_renditions_counts_a_file_shared_by_two_rows_once(world, committed):
    story = story_with(image_file(), committed, section=world)
    ArticleFactory(section=world, lead_image=story.lead_image.name, lead_image_alt="The same picture")
    assert "Stories: 1 image\n" in make_renditions()
