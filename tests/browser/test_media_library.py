"""The media library in a real browser: uploading several pictures, setting a focal point by clicking, axe."""

from io import BytesIO

import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image as PILImage

from media_library.models import Image
from tests.helpers.browser import axe_report, log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser

LIBRARY = "/admin/media_library/image/"


def jpeg(name: str, size: tuple[int, int], colour: tuple[int, int, int]) -> dict:
    buffer = BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": buffer.getvalue()}


def test_a_journalist_uploads_two_pictures_sets_a_focal_point_and_sees_thumbnails(
    live_server, page, journalist, served_media
):
    log_in(page, live_server.url, "journalist")
    page.goto(f"{live_server.url}{LIBRARY}upload/")
    page.set_input_files(
        "#batch-files",
        [
            jpeg("harbour.jpg", (1600, 900), (30, 90, 160)),
            jpeg("notes.jpg", (10, 10), (0, 0, 0)) | {"buffer": b"these are notes, not a picture"},
            jpeg("crane.jpg", (900, 1200), (200, 120, 30)),
        ],
    )
    rows = page.locator(".batch-item")
    assert rows.count() == 3

    # Nothing is sent while a picture lacks its alt text.
    page.get_by_role("button", name="Upload").click()
    assert "need their alt text" in page.locator("#batch-status").text_content()
    assert Image.objects.count() == 0

    rows.nth(0).get_by_label("Alt text").fill("Ferries in the harbour at dawn")
    rows.nth(0).get_by_label("Caption").fill("The morning ferry leaves.")
    rows.nth(1).get_by_label("Alt text").fill("Not a picture")
    rows.nth(2).get_by_label("Alt text").fill("A crane over the docks")
    page.get_by_role("button", name="Upload").click()
    page.wait_for_function("document.querySelector('#batch-status').textContent.includes('uploaded')")
    assert page.locator("#batch-status").text_content().startswith("2 uploaded, 1 not uploaded")
    assert rows.nth(0).get_attribute("data-state") == "done"
    assert rows.nth(2).get_attribute("data-state") == "done"
    # The bad file keeps its row and its text, with its own reason.
    assert rows.nth(1).get_attribute("data-state") == "failed"
    assert "File:" in rows.nth(1).locator(".batch-message").text_content()
    assert rows.nth(1).get_by_label("Alt text").input_value() == "Not a picture"
    assert set(Image.objects.values_list("alt_text", flat=True)) == {
        "Ferries in the harbour at dawn",
        "A crane over the docks",
    }
    assert set(Image.objects.values_list("uploaded_by__username", flat=True)) == {"journalist"}

    # The library shows both, as thumbnails that load.
    page.goto(f"{live_server.url}{LIBRARY}")
    thumbnails = page.locator("img.library-thumbnail")
    assert thumbnails.count() == 2
    page.wait_for_load_state("networkidle")
    assert page.evaluate("[...document.querySelectorAll('img.library-thumbnail')].every(i => i.naturalWidth > 0)")

    # A click on the picture sets the focal point; saving keeps it and makes crops around it.
    harbour = Image.objects.get(alt_text__startswith="Ferries")
    page.goto(f"{live_server.url}{LIBRARY}{harbour.pk}/change/")
    picture = page.locator("[data-focal-point] img")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.8123, "y": box["height"] * 0.3})
    assert float(page.locator("#id_focal_x").input_value()) == pytest.approx(0.812, abs=0.005)
    assert float(page.locator("#id_focal_y").input_value()) == pytest.approx(0.3, abs=0.01)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(f"{live_server.url}{LIBRARY}")
    harbour.refresh_from_db()
    assert harbour.focal_x == pytest.approx(0.812, abs=0.005) and harbour.focal_y == pytest.approx(0.3, abs=0.01)
    for crop in harbour.crops():
        assert harbour.file.storage.exists(crop.name)


def test_axe_finds_no_violations_on_the_library_pages(live_server, page, journalist, served_media):
    from tests.factories import ImageFactory, image_file

    picture = ImageFactory(file=image_file(size=(800, 600)), uploaded_by=journalist, tags=["Harbour"])
    log_in(page, live_server.url, "journalist")
    for path in (LIBRARY, f"{LIBRARY}upload/", f"{LIBRARY}{picture.pk}/change/", f"{LIBRARY}add/"):
        for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
            page.set_viewport_size(viewport)
            response = page.goto(live_server.url + path)
            assert response.status == 200, path  # the page itself, not a refusal
            assert page.locator("#content-main").count() == 1, path
            violations = Axe().run(page).response["violations"]
            assert not violations, f"{path} at {viewport['width']}px:\n{axe_report(violations)}"
