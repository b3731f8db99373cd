"""The story budget in a real browser: accessible (axe-core), and one A4 page when printed."""

import re
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from coordination.models import Plan
from tests.factories import ArticleFactory, SectionFactory
from tests.helpers.browser import axe_report, log_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]  # a real browser


@pytest.fixture
def busy_day(journalist, other_journalist, editor):
    """A morning meeting's worth: fifteen stories in four sections, some overdue, some written."""
    now = timezone.localtime()
    late = max(now - timedelta(minutes=30), now.replace(hour=0, minute=0))  # overdue, and still today
    sections = [SectionFactory(name=name, slug=name.lower()) for name in ("World", "Politics", "Business", "Sport")]
    for n in range(15):
        section = sections[n % 4]
        story = None
        if n % 3 == 0:
            story = ArticleFactory(draft=True, section=section, authors=[journalist.author], created_by=journalist)
        plan = Plan.objects.create(
            slug_line=f"Planned story number {n} about the day's news",
            section=section,
            deadline=now.replace(hour=(8 + n) % 24, minute=0) if n % 5 else late,
            expected_words=400 + 50 * n,
            notes="Call the ministry.",
            story=story,
            assigned_by=editor,
        )
        plan.assignees.set([journalist if n % 2 else other_journalist])


def test_the_budget_is_accessible_and_prints_on_one_a4_page(live_server, page, editor, busy_day):
    log_in(page, live_server.url, "editor")
    page.goto(f"{live_server.url}/admin/coordination/plan/budget/")
    assert page.locator("tr.budget-row").count() == 15
    assert page.get_by_text("Overdue").first.is_visible()
    # A desktop and a phone, as for readers' pages.
    for viewport in ({"width": 1280, "height": 900}, {"width": 375, "height": 740}):
        page.set_viewport_size(viewport)
        violations = Axe().run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in {"serious", "critical"}]
        assert not blocking, axe_report(blocking)

    page.emulate_media(media="print")
    assert not page.locator(".budget-filters").is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    assert pages == 1, f"the budget prints on {pages} pages"
