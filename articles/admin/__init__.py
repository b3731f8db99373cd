"""The back office. Who may do what is decided in ``workflow.py``; these modules only ask it.

One module per concern, as in ``django.contrib.admin``: ``stories`` (the story list and form),
``lists`` (what keeps the story lists fast at a million stories),
``story_pages`` (its workflow, preview, revisions and import pages), ``pages`` (the publication's own
pages), ``steps`` (the table from each
workflow action to its function), ``records`` (editors' lists) and ``sections`` (with sources).
"""

from . import pages, records, sections, stories, tags  # noqa: F401 (importing registers each admin with the site)
