"""The publication's pages a new newsroom starts with, for editors to rewrite in the admin.

Created by migration ``publication_pages`` and again by ``load_demo`` (after a database flush, as in
tests); only pages whose address is free are created, so an edited or deleted-and-replaced page stays.
"""

from django.conf import settings

# (slug, title, description, body in Markdown); "{name}" is the publication's name.
STARTER_PAGES = [
    (
        "about",
        "About us",
        "Who we are, what we cover and how we are funded.",
        "{name} is an independent news publication. We report on the world, politics, business, science "
        "and culture, and we publish corrections openly when we get something wrong.\n\n"
        "## Our newsroom\n\nOur reporters, correspondents and editors are listed on "
        "[Our journalists](/authors/).\n\n"
        "## Independence\n\nNo owner, advertiser or sponsor decides what we cover or how.",
    ),
    (
        "contact",
        "Contact us",
        "How to reach the newsroom, send a tip or ask for a correction.",
        "## The newsroom\n\nWrite to the editors at newsroom@example.org.\n\n"
        "## Tips\n\nIf you have a story for us, write to tips@example.org. Tell us how to reach you safely.\n\n"
        "## Corrections\n\nSeen a mistake? Write to corrections@example.org with the story's address; "
        "see our [corrections policy](/info/corrections-policy/).",
    ),
    (
        "privacy",
        "Privacy policy",
        "What we collect when you read us, and what we do with it.",
        "Reading {name} needs no account. We keep the server logs our hosting needs to run the site, "
        "for no longer than necessary, and we use no advertising trackers.\n\n"
        "## Your rights\n\nYou may ask us what we hold about you, and ask us to correct or delete it: "
        "write to privacy@example.org.",
    ),
    (
        "terms",
        "Terms of use",
        "The terms on which you may read and share our journalism.",
        "Everything on {name} is copyright {name} or the people and agencies credited, unless marked otherwise.\n\n"
        "You may link to our stories and quote short passages with a link back. For anything else, ask us first.",
    ),
    (
        "corrections-policy",
        "Corrections policy",
        "How we correct mistakes, clarify and update our stories.",
        "We correct significant errors as soon as we know of them.\n\n"
        "- A **correction** fixes a fact we got wrong.\n- A **clarification** makes clearer something that could "
        "mislead.\n- An **update** adds what has happened since.\n\n"
        "Each is noted at the end of the story, with its date, and listed on our [corrections page](/corrections/).",
    ),
    (
        "rss",
        "RSS feeds",
        "Follow our stories in a feed reader.",
        "Every list of stories has a feed, in RSS and Atom: add its address to your feed reader.\n\n"
        "- All our stories: [/feeds/rss/](/feeds/rss/) (Atom: [/feeds/atom/](/feeds/atom/))\n"
        "- A section: /feeds/sections/*section*/rss/, e.g. [World](/feeds/sections/world/rss/)\n"
        "- A journalist: the RSS link on their page\n- A topic: /feeds/tags/*topic*/rss/",
    ),
]


def create_starter_pages(page_model) -> list[str]:
    """Create the starter pages whose slug is free; the titles of those created. ``page_model`` may be historical."""
    created = []
    for position, (slug, title, description, body) in enumerate(STARTER_PAGES, start=1):
        _, new = page_model.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "body": body.format(name=settings.SITE_NAME),
                "position": position,
            },
        )
        if new:
            created.append(title)
    return created
