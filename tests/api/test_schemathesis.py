"""schemathesis against the live schema: every operation with generated parameters, then chains along its links.

A real server (pytest-django's ``live_server``) answers; no answer may be a 500, and every answer must
match the schema (status code, content type, body, headers) by schemathesis' own checks.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

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


def validate(case, response) -> None:
    """schemathesis' checks, but one: a cursor (``cursor``, ``since``) is valid only as the API handed it out
    (in ``next``), so a generated one, of the documented type yet naming no page, is rightly refused with a 400
    (``test_an_unknown_or_malformed_cursor_is_a_clear_400``); that answer is still held to the schema."""
    generated_cursor = bool({"cursor", "since"} & set(case.query or {}))
    case.validate_response(response, excluded_checks=[positive_data_acceptance] if generated_cursor else None)


def test_every_operation_answers_as_its_schema_says(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 9
    for operation in operations:

        @HYPOTHESIS
        @given(case=operation.as_strategy())
        def check(case) -> None:
            validate(case, case.call())

        check()


def test_chains_of_calls_along_the_schemas_links(schema):
    class Chains(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs) -> None:
            validate(case, response)

    Chains.run(
        settings=settings(
            max_examples=25, stateful_step_count=5, deadline=None, suppress_health_check=list(HealthCheck)
        )
    )
