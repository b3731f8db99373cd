"""Every public URL pattern, with random path segments and query strings: never a server error.

Hypothesis fills each converter of each pattern (read from the URLconf, so new
views are fuzzed too) with text of every kind: Unicode, very long values, NUL
bytes, negative and huge numbers, and adds random query strings.
"""

import re
from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import ArticleFactory
from tests.helpers.crawl import public_routes

pytestmark = pytest.mark.django_db

CONVERTER = re.compile(r"<(?:(?P<kind>[^>:]+):)?(?P<name>[^>]+)>")
ALLOWED = {200, 301, 302, 304, 400, 404, 410}

segment_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=3000),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "9" * 400, "\x00", "..", "%00", "world", "2026", "06", "rss", "atom", "\u202e", "😀"]),
)
query_values = st.one_of(
    st.text(max_size=50),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", "\x00", "last", "-1", "abc", "1" * 5000, "<script>", "' OR 1=1 --", "\u0000x"]),
)
query = st.dictionaries(st.sampled_from(["page", "q", "section", "p", "format", "x", ""]), query_values, max_size=4)


def fill(route: str, values: list[str]) -> str:
    parts = iter(values)
    path = CONVERTER.sub(lambda match: quote(next(parts), safe=""), route)
    return "/" + path.lstrip("^").rstrip("$")


ROUTES = [route for route, name in public_routes() if not route.startswith("^media")]


@pytest.fixture
def some_content(world, author):
    ArticleFactory(section=world, authors=[author], tags=["NATO"])


@pytest.mark.parametrize("route", ROUTES)
def test_random_addresses_never_cause_a_server_error(route, some_content):
    client = Client(raise_request_exception=False)
    converters = len(CONVERTER.findall(route))

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(values=st.lists(segment_text, min_size=converters, max_size=converters), params=query)
    def check(values, params):
        url = fill(route, values)
        response = client.get(url, params)
        assert response.status_code in ALLOWED, (url, params, response.status_code)

    check()
