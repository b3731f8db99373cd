"""With a queued_renditions, a library picture's renditions and crops are a worker's job, as for every picture."""

import pytest

from images import tasks
from tests.factories import ImageFactory, image_file
from tests.helpers.images import rendition_files

pytestmark = pytest.mark.django_db


def test_the_worker_makes_the_crops_around_the_focal_point_the_row_has_then(committed, queued_renditions):
    with committed():
        image = ImageFactory(file=image_file(size=(1600, 1000)), focal_x=0.3)
    assert queued_renditions == [("media_library.Image", "file", image.file.name, "")]
    assert rendition_files(image.file.name, crops=True) == []
    # Moved again before the worker ran: the crops follow the row, not the queued message.
    with committed():
        type(image).objects.filter(pk=image.pk).update(focal_x=0.7)
    image.refresh_from_db()

    tasks.image_replaced(*queued_renditions[0])  # what the worker does

    made = rendition_files(image.file.name, crops=True)
    assert "160w.jpg" in made
    assert sorted(name for name in made if name.startswith("crop-")) == sorted(
        crop.name.rsplit("/", 1)[1] for crop in image.crops()
    )
    assert all("-at-700-500-" in crop.name for crop in image.crops())


def test_until_the_worker_has_run_the_thumbnail_is_the_original(committed, queued_renditions):
    with committed():
        image = ImageFactory(file=image_file(size=(1600, 1000)))
    assert image.thumbnail_url() == image.file.url
    tasks.image_replaced(*queued_renditions[0])
    assert image.thumbnail_url().endswith("/160w.jpg")


def test_moving_the_focal_point_queues_the_same_task_for_the_same_file(committed, queued_renditions):
    with committed():
        image = ImageFactory()
    image.focal_y = 0.1
    with committed():
        image.save()
    assert queued_renditions[-1] == ("media_library.Image", "file", image.file.name, "")
    assert len(queued_renditions) == 2
