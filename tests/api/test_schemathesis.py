"""schemathesis against the live schema: every operation with generated parameters, then chains along its links.

A real server (pytest-django's ``live_server``) answers; no answer may be a 500, and every answer must
match the schema (status code, content type, body, headers) by schemathesis' own checks.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from articles import workflow
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory, SectionFactory, SourceFactory

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

HYPOTHESIS = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


@pytest.fixture
def schema(live_server, editor):
    world = SectionFactory(name="World", slug="world")
    europe = SectionFactory(name="Europe", slug="europe", parent=world)
    for n in range(3):
        story = ArticleFactory(
            section=europe if n % 2 else world, authors=[AuthorFactory(), AuthorFactory()], tags=[f"tag {n}"],
            sources=[SourceFactory()], lead_picture=ImageFactory(),
        )  # fmt: skip
        workflow.add_correction(story, editor, kind="update", note=f"Update {n}.")
    workflow.unpublish(story, editor, reason="Legal")  # a removal in the changes feed
    return schemathesis.openapi.from_url(f"{live_server.url}/api/v1/schema/?format=json")


def test_every_operation_answers_as_its_schema_says(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    for operation in operations:

        @HYPOTHESIS
        @given(case=operation.as_strategy())
        def check(case) -> None:
            case.call_and_validate()

        check()


def test_chains_of_calls_along_the_schemas_links(schema):
    schema.as_state_machine().run(
        settings=settings(
            max_examples=25, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
        )
    )
