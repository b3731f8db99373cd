"""What the admin's story form posts, as a browser would post it."""

from articles.models import Article


def story_form(section, author, **overrides) -> dict:
    """A new story's add form, with one byline."""
    data = {
        "title": "Ukraine is closer to NATO membership",
        "slug": "ukraine-closer-to-nato",
        "kicker": "",
        "standfirst": "Rutte visited Kyiv.",
        "body": "Opening.\n\n## NATO membership\n\nMore.",
        "section": section.pk,
        "tags": "NATO, Ukraine",
        "bylines-TOTAL_FORMS": "1",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
        "bylines-0-author": author.pk,
        "bylines-0-position": "0",
    }
    data.update(overrides)
    return data


def change_form_data(article: Article, **overrides) -> dict:
    data = {
        "kicker": article.kicker,
        "title": "Changed headline",
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "section": article.section_id,
        "tags": "",
        "opened_version": article.version,
        "bylines-TOTAL_FORMS": "0",
        "bylines-INITIAL_FORMS": "0",
        "bylines-MIN_NUM_FORMS": "0",
        "bylines-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data
