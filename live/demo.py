"""The demo's live story: Mark Rutte's visit to Kyiv as it happened, in World, closed since.

Connected to ``articles.demo.demo_loaded`` in ``LiveConfig.ready()``, so ``load_demo`` includes it; like
the rest of the demo it only creates what is missing.
"""

from datetime import timedelta

from articles import workflow as story_workflow
from articles.models import Article, Byline

from . import workflow
from .models import LiveCoverage

TITLE = "Rutte in Kyiv: the visit as it happened"
STANDFIRST = "NATO's secretary general spent a day in the Ukrainian capital. Our correspondents followed it."
KEY_POINTS = (
    "- Mark Rutte arrived in Kyiv by overnight train and met Volodymyr Zelensky.\n"
    "- The two announced new air-defence deliveries before winter.\n"
    "- Air-raid sirens interrupted the press conference for twenty minutes."
)
# (minutes after the start, title, body, author slug, key event, pinned), oldest first.
POSTS = [
    (0, "", "Good morning. We are following Mark Rutte's first visit to Kyiv as NATO secretary general.",
     "david-wyatt", False, False),
    (25, "Rutte arrives by train", "The overnight train from Poland pulled into Kyiv's central station at 8:40. "
     "Rutte was met on the platform by Ukraine's foreign minister.", "david-wyatt", True, False),
    (70, "", "Lena Hoffmann in Brussels: allied diplomats say the visit was planned in secret for weeks.",
     "lena-hoffmann", False, False),
    (130, "Air-defence deliveries announced", "Zelensky and Rutte announced new air-defence systems, to be "
     "delivered before winter. “Every system saves lives,” Rutte said.", "david-wyatt", True, False),
    (160, "", "Air-raid sirens sounded across the city during the press conference; journalists were taken to a "
     "shelter. The conference resumed twenty minutes later.", "david-wyatt", False, False),
    (240, "Summary of the day", "Rutte leaves Kyiv tonight. Read the key points at the top of this page for the "
     "day in brief; our full report follows tomorrow.", "priya-raman", False, True),
]  # fmt: skip
HOURS_AGO = 30


def load_live_demo(sender, *, sections: dict, authors: dict, now, report, **kwargs) -> None:
    if Article.objects.filter(title=TITLE).exists():
        return
    article = Article.objects.create(title=TITLE, standfirst=STANDFIRST, section=sections["world"])
    Byline.objects.bulk_create(
        Byline(article=article, author=authors[slug], position=position)
        for position, slug in enumerate(["david-wyatt", "lena-hoffmann"])
    )
    article.tags.set(["Ukraine", "NATO", "Mark Rutte"])
    Article.objects.filter(pk=article.pk).refresh_page_parts()  # the bylines came in bulk: no signals
    start = now - timedelta(hours=HOURS_AGO)
    story_workflow.publish(
        article, story_workflow.SYSTEM, at=start, backdated=True, note="Published by the demo loader."
    )
    coverage = LiveCoverage.objects.create(article=article, key_points=KEY_POINTS)
    for minutes, title, body, slug, key_event, pinned in POSTS:
        workflow.add_post(
            coverage, workflow.SYSTEM, authors=[authors[slug]], title=title, body=body,
            posted_at=start + timedelta(minutes=minutes), key_event=key_event, pinned=pinned,
        )  # fmt: skip
    workflow.close(coverage, workflow.SYSTEM)
    # As it happened: the coverage and the story's last update end with the last post.
    last = start + timedelta(minutes=POSTS[-1][0] + 15)
    LiveCoverage.objects.filter(pk=coverage.pk).update(ended_at=last)
    Article.objects.filter(pk=article.pk).update(revised_at=start + timedelta(minutes=POSTS[-1][0]))
    report.created.append(f"live story “{TITLE}” with {len(POSTS)} posts")
