"""With a broker, a library picture's renditions and crops are a worker's job, as for every picture."""

import pytest

from images import tasks
from tests.factories import ImageFactory, image_file
from tests.helpers.images import rendition_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings, monkeypatch):
    """A broker configured: what ``delay()`` would send is recorded instead."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.image_replaced, "delay", lambda *args: sent.append(args))
    return sent


def test_the_worker_makes_the_crops_around_the_focal_point_the_row_has_then(committed, broker):
    with committed():
        image = ImageFactory(file=image_file(size=(1600, 1000)), focal_x=0.3)
    assert broker == [("media_library.Image", "file", image.file.name, "")]
    assert rendition_files(image.file.name) == []
    # Moved again before the worker ran: the crops follow the row, not the queued message.
    with committed():
        type(image).objects.filter(pk=image.pk).update(focal_x=0.7)
    image.refresh_from_db()

    tasks.image_replaced(*broker[0])  # what the worker does

    made = rendition_files(image.file.name)
    assert "160w.jpg" in made
    assert sorted(name for name in made if name.startswith("crop-")) == sorted(
        crop.name.rsplit("/", 1)[1] for crop in image.crops()
    )
    assert all("-at-700-500-" in crop.name for crop in image.crops())


def test_until_the_worker_has_run_the_thumbnail_is_the_original(committed, broker):
    with committed():
        image = ImageFactory(file=image_file(size=(1600, 1000)))
    assert image.thumbnail_url() == image.file.url
    tasks.image_replaced(*broker[0])
    assert image.thumbnail_url().endswith("/160w.jpg")


def test_moving_the_focal_point_queues_the_same_task_for_the_same_file(committed, broker):
    with committed():
        image = ImageFactory()
    image.focal_y = 0.1
    with committed():
        image.save()
    assert broker[-1] == ("media_library.Image", "file", image.file.name, "")
    assert len(broker) == 2
