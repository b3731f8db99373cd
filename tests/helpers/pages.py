"""The reader pages that list stories, and the queries each may make."""

# The section tree (navigation, section families) is read once per content generation, and
# every story list loads its stories and their byline names in two queries. Each page also reads the
# content generation once (pagecache.generation): the first "+ 1" below; the footer's publication pages
# are read once per content generation too, like the section tree: the second.
LIST_PAGES = {
    # the section tree, the pinned stories', the newest, Latest's and each top-level section's newest ids
    # (one query of parts), those stories + byline names, the most-read list (kept for the generation:
    # one query of hourly counts, and its stories + byline names when there are any)
    "/": 5 + 1 + 1,
    # the section tree, count, the page's ids, stories + byline names, the section's most-read list (as above)
    "/world/": 6 + 1 + 1,
    # author, the author's story ids (from the byline index), count, the section tree, the page's
    # stories (by those ids, one query) + byline names
    "/authors/david-wyatt/": 6 + 1 + 1,
    # count, the section tree, the page's ids with the tag's name, stories + byline names
    "/tags/nato/": 5 + 1 + 1,
}

# The same pages once their list's length and the section tree are cached for the content generation:
# what a reader's request costs with the page cache off, the targets of issue 15 (bench/instructions.py).
# The author page's story ids are kept for the generation too (``by_author(remembered=True)``).
WARM_QUERIES = {"/": 4, "/world/": 4, "/authors/david-wyatt/": 4, "/tags/nato/": 4}
