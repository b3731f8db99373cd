"""The demo newsroom: Buna Times's sections, journalists, sources and stories.

``load_demo()`` only ever creates what is missing, so running it again changes
nothing, and it never overwrites what an editor has changed since.
"""

import base64
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from authors.models import Author
from media_library.models import Image, Licence

from .. import revisions, workflow
from ..ingest.importer import Importer, Outcome
from ..ingest.plaintext import parse_plain_text
from ..models import Article, Byline, FrontPageSlot, PublicationPage, Section, Source
from ..starter_pages import create_starter_pages
from .illustrations import alt_text, illustration, portrait
from .library import add_body_media, add_sample_figure
from .stories import STORIES

SAMPLE_STORY = Path(__file__).with_name("buna-times-rutte-kyiv.txt")
SAMPLE_TAGS = ["NATO", "Ukraine", "Russia", "Mark Rutte", "Volodymyr Zelensky"]
SAMPLE_ILLUSTRATION = "circles"
ILLUSTRATION_CREDIT = "Illustration: Buna Times"
ILLUSTRATION_HOLDER = "Buna Times"

# (name, slug, parent slug, description)
SECTIONS = [
    ("World", "world", None, "Reporting from our correspondents around the globe."),
    ("Europe", "europe", "world", "The European Union, its neighbours and the war in Ukraine."),
    ("Politics", "politics", None, "Parliament, parties, elections and the decisions that shape them."),
    ("Business", "business", None, "Markets, companies, jobs and the economy."),
    ("Science", "science", None, "Science, health and the environment."),
    ("Culture", "culture", None, "Books, film, music, art and ideas."),
    ("Sport", "sport", None, "Results, analysis and the people behind the game."),
    ("Opinion", "opinion", None, "Columns and commentary. The views are the writers’ own."),
]

# (name, slug, role, bio); David Wyatt's bio comes from the sample story itself.
AUTHORS = [
    ("David Wyatt", "david-wyatt", "World correspondent", None),
    ("Lena Hoffmann", "lena-hoffmann", "Europe correspondent",
     "Lena Hoffmann reports on the European Union and its neighbours from Brussels and Berlin. "
     "Before joining Buna Times she covered energy policy for a wire agency."),
    ("Priya Raman", "priya-raman", "Political editor",
     "Priya Raman leads our politics coverage. She has reported on four general elections and "
     "writes a weekly column on how decisions are really made."),
    ("Amara Okafor", "amara-okafor", "Business editor",
     "Amara Okafor writes about markets, work and the companies that shape daily life. "
     "She trained as an economist before moving into journalism."),
    ("Tomás Rivera", "tomas-rivera", "Science and environment reporter",
     "Tomás Rivera covers climate, health and research. He has a doctorate in marine biology "
     "and a weakness for long field trips."),
    ("Mei Lin Chen", "mei-lin-chen", "Culture writer",
     "Mei Lin Chen reviews books, film and exhibitions, and interviews the people who make them."),
    ("Jonas Berg", "jonas-berg", "Sports reporter",
     "Jonas Berg has covered football, athletics and winter sports for a decade, from grassroots clubs "
     "to world championships."),
]  # fmt: skip

# Each journalist's desk, whose colours their (monogram) portrait takes.
PORTRAITS = {
    "david-wyatt": "world",
    "lena-hoffmann": "europe",
    "priya-raman": "politics",
    "amara-okafor": "business",
    "tomas-rivera": "science",
    "mei-lin-chen": "culture",
    "jonas-berg": "sport",
}

SOURCES = [
    ("korrespondent", "korrespondent", "https://korrespondent.net/", Source.Kind.PARTNER),
    ("Buna Times", "buna-times", "", Source.Kind.OWN),
    ("Meridian Wire", "meridian-wire", "", Source.Kind.WIRE),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    author_slug: str
    role: str  # the name of the group created by migration 0003_editorial_roles
    two_factor: bool = False  # enrolled with DEMO_TOTP_KEY, as the policy requires of editors


# The demo editor's authenticator key, public like the demo passwords: add it to an app (load_demo prints it
# in the form apps take), or print the current code with `manage.py demo_code editor`. Local use only.
DEMO_TOTP_KEY = "62756e612d74696d65732d64656d6f2d32666121"  # hex of b"buna-times-demo-2fa!"


DEMO_ACCOUNTS = [
    DemoAccount("editor", "editor-demo-password", "priya-raman", "Editor", two_factor=True),
    DemoAccount("journalist", "journalist-demo-password", "david-wyatt", "Journalist"),
]


# Sent by ``load_demo()`` once the stories are in (``sections`` and ``authors`` by slug, ``now``, ``report``
# to add to): apps above this one add their own demo content (``live``), which this app does not know.
demo_loaded = Signal()


@dataclass
class DemoReport:
    created: list[str] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)


@transaction.atomic
def load_demo(*, with_accounts: bool) -> DemoReport:
    report = DemoReport()
    now = timezone.now()

    sections = {}
    for position, (name, slug, parent_slug, description) in enumerate(SECTIONS):
        sections[slug], created = Section.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "parent": sections.get(parent_slug),
                "position": position,
            },
        )
        if created:
            report.created.append(f"section {name}")

    report.created += [f"page {title}" for title in create_starter_pages(PublicationPage)]

    for name, slug, url, kind in SOURCES:
        _, created = Source.objects.get_or_create(name=name, defaults={"slug": slug, "url": url, "kind": kind})
        if created:
            report.created.append(f"source {name}")

    sample = parse_plain_text(SAMPLE_STORY.read_text(encoding="utf-8"))
    if not Article.objects.filter(title=sample.title).exists():
        # The sample arrives exactly as a correspondent would file it, through the importer
        # (which records it as imported), and the desk then tags and publishes it.
        result = Importer(section=sections["world"]).import_story(sample, label=SAMPLE_STORY.name)
        if result.outcome == Outcome.REFUSED:
            raise RuntimeError(f"The sample story could not be imported: {result.message}")
        if result.outcome == Outcome.CREATED:
            _publish_sample(result.article, now)
            report.created.append(f"story “{result.article.title}”")

    authors = {}
    for name, slug, role, bio in AUTHORS:
        author = Author.objects.filter(slug=slug).first() or Author.objects.filter(name__iexact=name).first()
        if author is None:
            author = Author(name=name, slug=slug, role=role, bio=bio or "")
            _add_portrait(author, slug)
            author.save()
            report.created.append(f"author {name}")
        elif not author.role:
            # The importer created David Wyatt from the sample; give him his desk and portrait.
            author.role = role
            _add_portrait(author, slug)
            author.save()
        authors[slug] = author

    for story in STORIES:
        if Article.objects.filter(title=story["title"]).exists():
            continue
        article = Article(
            title=story["title"],
            kicker=story["kicker"],
            standfirst=story["standfirst"],
            body=story["body"],
            section=sections[story["section"]],
            front_page_slot=story["front_page_slot"],
        )
        if story["illustration"]:
            _illustrate(article, story["illustration"])
        add_body_media(article)
        article.save()
        Byline.objects.bulk_create(
            Byline(article=article, author=authors[slug], position=position)
            for position, slug in enumerate(story["authors"])
        )
        if story["source"]:
            article.sources.set([Source.objects.get(name=story["source"])])
        article.tags.set(story["tags"])
        Article.objects.filter(pk=article.pk).refresh_page_parts()  # the bylines came in bulk: no signals
        at = now - timedelta(hours=story["hours_ago"])
        workflow.publish(article, workflow.SYSTEM, at=at, backdated=True, note="Published by the demo loader.")
        report.created.append(f"story “{article.title}”")

    demo_loaded.send(sender=load_demo, sections=sections, authors=authors, now=now, report=report)

    if with_accounts:
        report.accounts = DEMO_ACCOUNTS
        for account in DEMO_ACCOUNTS:
            if _ensure_account(account, authors[account.author_slug]):
                report.created.append(f"{account.role.lower()} account {account.username}")
    return report


def _illustrate(article: Article, motif: str) -> None:
    """Give ``article`` (not yet saved) an abstract lead picture in its section's colours, put in the library."""
    section = article.section.slug  # every demo section has its own palette
    article.lead_picture = Image.objects.create(
        file=ContentFile(illustration(motif, section, article.title), name="illustration.jpg"),
        alt_text=alt_text(motif, section),
        credit=ILLUSTRATION_CREDIT,
        copyright_holder=ILLUSTRATION_HOLDER,
        licence=Licence.STAFF,
    )


def _add_portrait(author: Author, slug: str) -> None:
    """Give ``author`` a drawn portrait from the library, as the staff's photos are."""
    if slug in PORTRAITS and not author.photo_id:
        author.photo = Image.objects.create(
            file=ContentFile(portrait(author.name, PORTRAITS[slug]), name="portrait.jpg"),
            alt_text=f"Portrait of {author.name}",
            caption=author.name,
            credit=ILLUSTRATION_CREDIT,
            copyright_holder=ILLUSTRATION_HOLDER,
            licence=Licence.STAFF,
        )


def _publish_sample(article: Article, now: datetime) -> None:
    """Tag, pin as the front page's lead and publish the imported sample: the desk's step, with no one's name on it."""
    article.tags.set(SAMPLE_TAGS)
    _illustrate(article, SAMPLE_ILLUSTRATION)
    add_sample_figure(article)
    article.front_page_slot = FrontPageSlot.LEAD
    article.save()
    at = now - timedelta(minutes=45)
    outcome = workflow.publish(article, workflow.SYSTEM, at=at, backdated=True, note="Published by the demo loader.")
    revisions.record_revision(outcome.article, None, note="Tagged and published by the demo loader")


def _ensure_account(account: DemoAccount, author: Author) -> bool:
    user, created = get_user_model().objects.get_or_create(username=account.username, defaults={"is_staff": True})
    if created:
        user.set_password(account.password)
        user.save()
        user.groups.add(Group.objects.get(name=account.role))
    if author.user_id is None:
        author.user = user
        author.save(update_fields=["user"])
    if account.two_factor and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, name="Demo authenticator", key=DEMO_TOTP_KEY, confirmed=True)
    return created


def demo_totp_secret() -> str:
    """``DEMO_TOTP_KEY`` as authenticator apps take it typed in (base32)."""
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode("ascii").rstrip("=")
