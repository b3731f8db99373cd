"""The admin's “Import stories” page: editors only, several files at once, a report with links to the stories."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from articles.demo import SAMPLE_STORY
from articles.ingest import MAX_BYTES
from articles.ingest.importer import Importer, Outcome
from articles.models import Article, ImportedItem

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures"
IMPORT_URL = "/admin/articles/article/import/"


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post(client, section, *files, fmt="auto"):
    return client.post(IMPORT_URL, {"files": list(files), "section": section.pk, "format": fmt})


def test_editors_see_the_import_link_on_the_story_list_and_journalists_do_not(client, editor, journalist):
    client.force_login(editor)
    assert f'href="{IMPORT_URL}"' in client.get("/admin/articles/article/").content.decode()
    client.force_login(journalist)
    assert IMPORT_URL not in client.get("/admin/articles/article/").content.decode()


def test_journalists_get_403_and_import_nothing(client, journalist, world):
    client.force_login(journalist)
    assert client.get(IMPORT_URL).status_code == 403
    response = post(client, world, upload(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()))
    assert response.status_code == 403
    assert not Article.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_an_editor_uploads_several_files_and_sees_a_report_with_links(client, editor, world):
    client.force_login(editor)
    assert client.get(IMPORT_URL).status_code == 200

    response = post(
        client,
        world,
        upload(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()),
        upload("wire.json", (FIXTURES / "ninjs-mixed.json").read_bytes()),
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert [(result.label, result.outcome) for result in report.results] == [
        (SAMPLE_STORY.name, Outcome.CREATED),
        ("wire.json #1", Outcome.CREATED),
        ("wire.json #2", Outcome.REFUSED),
        ("wire.json #3", Outcome.CREATED),
    ]
    page = response.content.decode()
    for story in Article.objects.all():
        assert story.status == Article.Status.IN_REVIEW and story.created_by == editor
        assert story.transitions.get().actor == editor
        assert f'href="{reverse("admin:articles_article_change", args=[story.pk])}"' in page
    assert "The item has no headline" in page
    assert "4 items: 3 created, 0 updated, 0 already imported, 0 not applied, 1 refused" in page

    again = post(client, world, upload(SAMPLE_STORY.name, SAMPLE_STORY.read_bytes()))
    [result] = again.context["report"].results
    assert result.outcome == Outcome.ALREADY_IMPORTED
    assert f'href="{reverse("admin:articles_article_change", args=[result.article.pk])}"' in again.content.decode()
    assert Article.objects.count() == 3


def test_the_chosen_section_and_format_are_used(client, editor, world):
    from tests.factories import SectionFactory

    business = SectionFactory(name="Business", slug="business")
    client.force_login(editor)
    post(client, business, upload("story.json", b"A headline\nA paragraph."), fmt="text")
    assert Article.objects.get().section == business


def test_bad_uploads_are_reported_item_by_item_and_create_nothing(client, editor, world):
    client.force_login(editor)
    response = post(
        client,
        world,
        upload("empty.txt", b""),
        upload("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
        upload("broken.json", b'{"uri": '),
        upload("cyrillic.txt", "Заголовок\nТекст.".encode("cp1251")),
    )
    results = response.context["report"].results
    assert [result.outcome for result in results] == [Outcome.REFUSED] * 3 + [Outcome.CREATED]
    page = response.content.decode()
    assert "The file is empty" in page and "This is a JPEG image" in page and "not valid JSON" in page
    assert Article.objects.get().title == "Заголовок"


def test_a_markup_headline_is_shown_escaped_in_the_report(client, editor, world):
    client.force_login(editor)
    response = post(client, world, upload("x.txt", b"<script>alert(1)</script>\nText."))
    page = response.content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_choosing_no_file_is_a_form_error(client, editor, world):
    client.force_login(editor)
    response = client.post(IMPORT_URL, {"section": world.pk, "format": "auto"})
    assert response.status_code == 200 and response.context["report"] is None
    assert "This field is required." in response.content.decode()


class OversizedUpload(SimpleUploadedFile):
    def read(self, *args):
        raise AssertionError("an oversized upload must not be read")

    chunks = read


def test_an_upload_over_two_megabytes_is_refused_before_it_is_read(world):
    big = OversizedUpload("huge.txt", b"x", content_type="text/plain")
    big.size = MAX_BYTES + 1
    importer = Importer(section=world)

    importer.import_upload(big)

    [result] = importer.report.results
    assert result.outcome == Outcome.REFUSED and "larger than 2 MB" in result.message
    assert not Article.objects.exists()


def test_an_upload_over_two_megabytes_is_refused_in_the_admin(client, editor, world):
    client.force_login(editor)
    response = post(client, world, upload("huge.txt", b"Headline\n" + b"a" * MAX_BYTES))
    [result] = response.context["report"].results
    assert result.outcome == Outcome.REFUSED and "larger than 2 MB" in result.message
    assert not Article.objects.exists()


def test_editors_can_see_the_record_of_imports_and_journalists_cannot(client, editor, journalist, world):
    client.force_login(editor)
    post(client, world, upload("feed.xml", (FIXTURES / "feed-rss.xml").read_bytes()))
    item = ImportedItem.objects.first()
    page = client.get("/admin/articles/importeditem/").content.decode()
    assert "https://partner.example/2024/10/bridge-reopens" in page
    assert client.get(f"/admin/articles/importeditem/{item.pk}/change/").status_code == 200
    client.force_login(journalist)
    assert client.get("/admin/articles/importeditem/").status_code == 403
