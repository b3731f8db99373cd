"""The reader pages that list stories, and the queries each may make."""

from django.db import connection

# The section tree (navigation, section families) is read once per content generation, and
# every story list loads its stories and their byline names in two queries. Each page also reads the
# content generation once (pagecache.generation): the "+ 1" below.
LIST_PAGES = {
    # top story + byline names, the section tree, the newest ids of each top-level section (one
    # query per section, 2 here; a single UNION ALL where the database allows it), those stories
    # + byline names
    "/": (7 if not connection.features.supports_slicing_ordering_in_compound else 6) + 1,
    # the section tree, count, the page's ids, stories + byline names
    "/world/": 5 + 1,
    # author, the author's story ids (from the byline index), count, the section tree, the page's ids,
    # stories + byline names
    "/authors/david-wyatt/": 7 + 1,
    # tag, "any stories at all?", count, the section tree, the page's ids, stories + byline names
    "/tags/nato/": 7 + 1,
}
