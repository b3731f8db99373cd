import pytest

from tests.factories import ArticleFactory, AuthorFactory, SectionFactory


@pytest.fixture
def world(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def author(db):
    return AuthorFactory(name="David Wyatt", slug="david-wyatt", bio="I am David Wyatt, a journalist.")


@pytest.fixture
def story(world, author):
    return ArticleFactory(title="Rutte visits Kyiv", section=world, authors=[author], tags=["NATO", "Ukraine"])


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
