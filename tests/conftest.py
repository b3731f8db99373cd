import logging

import pytest

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory
from tests.helpers.object_storage import media_storage, s3_endpoint  # noqa: F401 - fixtures


@pytest.fixture
def world(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def author(db):
    return AuthorFactory(name="David Wyatt", slug="david-wyatt", bio="I am David Wyatt, a journalist.")


@pytest.fixture
def story(world, author):
    return ArticleFactory(title="Rutte visits Kyiv", section=world, authors=[author], tags=["NATO", "Ukraine"])


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (test transactions never commit), as it would run in production."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


@pytest.fixture
def queued_renditions(settings, monkeypatch):
    """A broker configured: the image tasks ``delay()`` would send are recorded here instead."""
    from images import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    sent = []
    monkeypatch.setattr(tasks.image_replaced, "delay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def server_log():
    """What reaches the server's log: the records the root logger's handlers (the console) receive.

    Not ``caplog``: pytest also listens on loggers that do not propagate, which the server's log never sees.
    """
    records: list[logging.LogRecord] = []
    handler = logging.Handler(level=logging.DEBUG)
    handler.emit = records.append
    root = logging.getLogger()
    root.addHandler(handler)
    yield records
    root.removeHandler(handler)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files go to a throwaway folder, never the project's media/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Tests do not run collectstatic, so static URLs skip the production manifest."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs most of a second per user; tests do not need it to be slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def journalist(db):
    from tests.factories import staff_user

    return staff_user("journalist", "Journalist", author_name="David Wyatt")


@pytest.fixture
def other_journalist(db):
    from tests.factories import staff_user

    return staff_user("other", "Journalist", author_name="Lena Hoffmann")


@pytest.fixture
def draft(journalist, world):
    """A draft of the journalist's, with her byline."""
    return ArticleFactory(
        title="Rutte in Kyiv", body="First version.", section=world, created_by=journalist,
        authors=[journalist.author], draft=True,
    )  # fmt: skip


@pytest.fixture
def editor(db):
    from tests.factories import staff_user

    return staff_user("editor", "Editor", author_name="Priya Raman")


@pytest.fixture
def editor_client(client, editor):
    """A test client signed in as the editor."""
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def _empty_cache():
    """One process-wide cache outlives each test's database rollback: start every test without pages."""
    from django.core.cache import cache

    from pagecache.store import forget_cache_failures

    cache.clear()
    forget_cache_failures()
    yield
    forget_cache_failures()  # a test that broke the cache must not leave the next one without it
    cache.clear()


@pytest.fixture(autouse=True)
def _force_login_includes_the_second_factor(monkeypatch):
    """``client.force_login(user)`` stands for a whole sign-in, the second factor included, as it stands
    for the password; sign-ins through the forms are tested with real codes (tests/admin/test_two_factor.py)."""
    from django.test.client import ClientMixin

    from accounts import two_factor

    original = ClientMixin._login

    def _login(self, user, backend=None):
        original(self, user, backend)
        session = self.session
        session[two_factor.SESSION_KEY] = (
            two_factor.VERIFIED if two_factor.asked_at_sign_in(user) else two_factor.NOT_NEEDED
        )
        session.save()

    monkeypatch.setattr(ClientMixin, "_login", _login)
