#!/usr/bin/env python
"""Instructions per uncached render of every reader page type, counted by callgrind, beside the targets.

    .venv/bin/python bench/instructions.py                  # demo + 500 generated stories, throwaway SQLite
    .venv/bin/python bench/instructions.py --check          # exits 1 when a page misses its target
    .venv/bin/python bench/instructions.py --pages story,front --no-split
    .venv/bin/python bench/instructions.py --dry-run        # each page once, no valgrind: status and queries
    .venv/bin/python bench/instructions.py --stories 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/newsroom_perf_100k

Instructions are counted rather than timed so that a busy, shared machine cannot blur the figures:
the same page gives the same count to within a fraction of a percent, run after run.

What it does:

1. prepares the database: without ``--database-url``, a throwaway SQLite file with the demo newsroom
   and ``--stories`` generated stories; with it, that database is migrated, gets the demo newsroom if
   it lacks it and generated stories until it holds ``--stories`` beyond the demo's (then
   ``update_search_index``). The database is filled, never emptied: give it one kept for benchmarks.
2. starts one Python process under ``valgrind --tool=callgrind`` with production settings (``DEBUG``
   off, the cached template loader, static files from a manifest) and the page cache off
   (``PAGE_CACHE_SECONDS=0``), picks one URL of each page type, renders each through Django's test
   client ``--warmup`` times, counts its queries and bytes, and then counts the instructions of
   ``--renders`` renders. The process itself tells callgrind exactly when to collect and when to
   write a profile, through valgrind's client requests (``valgrind/callgrind.h``, built with ``cc``
   into a small library loaded with ctypes): start-up, warm-up and everything between the measured
   renders is left out.
3. splits each page's cost by layer (unless ``--no-split``): the layers' entry points (Django's
   template engine, the ORM, the database driver…) are wrapped so that a stack tracks which layer is
   running, and the page is rendered once more per layer with callgrind collecting only while that
   layer is on top of the stack. A layer's figure is therefore its own instructions, without what it
   calls in other layers: the template engine's figure leaves out the queries a template triggers.
   The cost of turning collection on and off is measured first and taken out; the rows add up to the
   total but for the wrappers' own cost, shown as its own row.
4. prints the table with the issue's targets beside the figures (and the split), then a summary.

Only this process is counted: on PostgreSQL the server's own work is not in the figures (on SQLite
the database engine runs in-process and is, under "SQL execution"). Profiles are kept with
``--keep-profiles DIR`` for ``callgrind_annotate``. Requires Debian's ``valgrind`` and a C compiler.

Longer than 500 lines: a benchmark script kept whole (preparing, measuring, splitting by layer,
reporting) so that it can be read and run on its own, like the other scripts in ``bench/``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CHILD_FLAG = "--in-process"  # the measuring process: this script, run again under valgrind
RESULT_PREFIX = "@@instructions "  # the measuring process's lines for this one, among anything else it prints
MILLION = 1_000_000


@dataclass(frozen=True)
class PageType:
    key: str  # what --pages takes
    name: str
    max_instructions: int | None  # per render; the targets of issue 15
    max_queries: int | None


PAGE_TYPES = [
    PageType("front", "front page", 30 * MILLION, 5),
    PageType("section", "section", 15 * MILLION, 4),
    PageType("subsection", "subsection", 15 * MILLION, 4),
    PageType("story", "story", 20 * MILLION, 4),
    PageType("tag", "tag", 15 * MILLION, 4),
    PageType("author", "author", 15 * MILLION, 4),
    PageType("authors", "author list", None, None),
    PageType("archive", "archive month", None, None),
    PageType("search", "search", 25 * MILLION, None),
    PageType("rss", "RSS feed", None, None),
    PageType("sitemap", "sitemap page (stories)", None, None),
    PageType("corrections", "corrections", None, None),
    # The content API (issue 18): held to the story page's targets.
    PageType("api_stories", "API story list (20)", 20 * MILLION, 4),
    PageType("api_story", "API story", 20 * MILLION, 4),
]
PAGE_TYPE = {page_type.key: page_type for page_type in PAGE_TYPES}
SEARCH_WORDS = "climate"  # a topic of many generated stories (articles/demo/archive.py)

# Layers of the split, in the order they are printed; "the rest" is everything not in another.
TEST_CLIENT = "test client (not in production)"
MIDDLEWARE = "middleware"
URLS = "URL resolving and reversing"
TEMPLATES = "templates (engine, loaders, filters)"
STORY_CARDS = "{% story_card %}"
PICTURES = "{% picture %}"
CONTEXT_PROCESSORS = "context processors"
ORM = "ORM: query building, model instances"
COMPILER = "ORM: SQL compilation"
DRIVER = "SQL execution (driver)"
CACHE = "cache API"
TEXT = "Markdown, sanitizing, strip_tags, Truncator"
REST = "the rest (views, request, response)"
LAYERS = [TEST_CLIENT, MIDDLEWARE, URLS, TEMPLATES, STORY_CARDS, PICTURES, CONTEXT_PROCESSORS,
          ORM, COMPILER, DRIVER, CACHE, TEXT, REST]  # fmt: skip
OUTSIDE = "outside the measured renders"
NOTHING = "nothing: collection stays off"  # what the switch collects between batches; never on the stack
CALIBRATION = "calibration: turning collection on and off"
CALIBRATION_TURNS = 1000


@dataclass
class Page:
    """One URL of a page type, as the measuring process found and rendered it."""

    key: str
    path: str
    status: int = 0
    queries: int = 0
    bytes: int = 0
    instructions: float | None = None  # per render
    layers: dict[str, float] = field(default_factory=dict)  # per render

    @property
    def type(self) -> PageType:
        return PAGE_TYPE[self.key]

    def misses(self) -> list[str]:
        """What this page misses of its targets, in words; empty when it meets them."""
        found = []
        if self.status != 200:
            found.append(f"{self.type.name} answers {self.status}, not 200")
        limit = self.type.max_instructions
        if limit is not None and self.instructions is not None and self.instructions > limit:
            found.append(f"{self.type.name}: {self.instructions / MILLION:.1f}M instructions > {limit / MILLION:.0f}M")
        if self.type.max_queries is not None and self.queries > self.type.max_queries:
            found.append(f"{self.type.name}: {self.queries} queries > {self.type.max_queries}")
        return found


def log(message: str) -> None:
    print(message, flush=True)


# --- In the measuring process: which URLs, rendering them -----------------------------------------


def find_paths(keys: list[str]) -> dict[str, str]:
    """One representative URL per page type, chosen by fixed rules so that every run picks the same.

    The story is the published story with a lead image and the most tags (on the demo, its sample
    story); sections, tags and authors are the ones with the most published stories.
    """
    from django.db.models import Count, Q
    from taggit.models import Tag

    from articles.models import Article, Byline, Section

    published = Article.objects.published()
    if not published.exists():
        raise SystemExit("The database has no published story to render: load the demo or generate stories.")
    visible = Q(articles__in=published)
    found = {
        "front": "/",
        "authors": "/authors/",
        "rss": "/feeds/rss/",
        "sitemap": "/sitemaps/stories.xml",
        "corrections": "/corrections/",
        "search": f"/search/?q={SEARCH_WORDS}",
    }
    if "api_stories" in keys or "api_story" in keys:
        found["api_stories"] = "/api/v1/stories/"
        newest = published.order_by("-published_at", "-pk").values_list("pk", flat=True).first()
        found["api_story"] = f"/api/v1/stories/{newest}/"
    if "story" in keys:
        led = published.filter(lead_picture__isnull=False)
        with_image = led if led.exists() else published
        story = with_image.annotate(tag_count=Count("tagged_items")).order_by("-tag_count", "-published_at", "-pk")
        found["story"] = story.first().get_absolute_url()
    if "section" in keys or "subsection" in keys:
        sizes = Section.objects.annotate(stories=Count("articles", filter=visible)).order_by("-stories", "pk")
        for key, level in (("section", Q(parent__isnull=True)), ("subsection", Q(parent__isnull=False))):
            section = sizes.filter(level).first()
            if section is not None:
                found[key] = section.get_absolute_url()
    if "tag" in keys:
        tags = Tag.objects.annotate(
            stories=Count(
                "articles_taggedarticle_items", filter=Q(articles_taggedarticle_items__content_object__in=published)
            )
        )
        tag = tags.order_by("-stories", "pk").first()
        if tag is not None:
            found["tag"] = f"/tags/{tag.slug}/"
    if "author" in keys:
        byline = (
            Byline.objects.filter(article__in=published)
            .values("author")
            .annotate(n=Count("pk"))
            .order_by("-n", "author")
        ).first()
        if byline is not None:
            from authors.models import Author

            found["author"] = Author.objects.get(pk=byline["author"]).get_absolute_url()
    if "archive" in keys:
        from django.utils import timezone

        newest = timezone.localtime(published.latest("published_at").published_at)
        found["archive"] = f"/archive/{newest.year}/{newest.month:02d}/"
    missing = [key for key in keys if key not in found]
    if missing:
        raise SystemExit(f"No page of these types in this database: {', '.join(missing)}.")
    return {key: found[key] for key in keys}


def render(client, path: str):
    response = client.get(path)
    if response.streaming:
        response.content_bytes = b"".join(response.streaming_content)
    else:
        response.content_bytes = response.content
    return response


def survey(client, pages: list[Page], warmup: int) -> None:
    """Warm every page up, then render each once more to count its queries and bytes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        for page in pages:
            render(client, page.path)
    for page in pages:
        with CaptureQueriesContext(connection) as captured:
            response = render(client, page.path)
        page.status, page.queries, page.bytes = response.status_code, len(captured), len(response.content_bytes)


CALLGRIND_CONTROL_C = """
#include <valgrind/callgrind.h>
int newsroom_on_valgrind(void) { return RUNNING_ON_VALGRIND; }
void newsroom_start_instrumentation(void) { CALLGRIND_START_INSTRUMENTATION; }
void newsroom_toggle_collect(void) { CALLGRIND_TOGGLE_COLLECT; }
void newsroom_dump(const char *label) { CALLGRIND_DUMP_STATS_AT(label); }
"""


def build_callgrind_control(folder: Path) -> Path:
    """Valgrind's client requests (its own macros, from valgrind/callgrind.h) as a library ctypes can load.

    They switch collection on and off at an exact point of the program, as often as needed and at
    any depth, which callgrind's command-line switches (``--toggle-collect``, only on a function's
    outermost call) and ``callgrind_control`` (whenever the program next looks) cannot.
    """
    source, library = folder / "callgrind_control.c", folder / "callgrind_control.so"
    source.write_text(CALLGRIND_CONTROL_C)
    compiler = os.environ.get("CC", "cc")
    try:
        built = subprocess.run([compiler, "-shared", "-fPIC", "-O2", "-o", str(library), str(source)],
                               capture_output=True, text=True)  # fmt: skip
    except FileNotFoundError:
        raise SystemExit(
            f"No C compiler ({compiler}) to build callgrind's client requests: apt-get install gcc."
        ) from None
    if built.returncode != 0:
        raise SystemExit(
            "Could not build callgrind's client requests (needs valgrind/callgrind.h: apt-get install valgrind):\n"
            + built.stderr
        )
    return library


class Callgrind:
    """Callgrind's client requests, from the process it runs."""

    def __init__(self, library: str) -> None:
        import ctypes

        self._library = ctypes.CDLL(library)
        self._library.newsroom_dump.argtypes = [ctypes.c_char_p]
        self.toggle_collect = self._library.newsroom_toggle_collect

    def start_instrumentation(self) -> None:
        if not self._library.newsroom_on_valgrind():
            raise SystemExit("Not running under valgrind: nothing would be counted.")
        self._library.newsroom_start_instrumentation()

    def dump(self, label: str) -> None:
        """Write what was collected since the last dump as a profile of its own, and start again from zero."""
        self._library.newsroom_dump(label.encode())


ENTRY_DUNDERS = {"__iter__", "__len__", "__bool__", "__getitem__", "__contains__", "__and__", "__or__", "__xor__",
                 "__invert__", "__get__", "__call__"}  # fmt: skip


class LayerSwitch:
    """Tracks which layer runs, and has callgrind collect only while one chosen layer is on top.

    Each wrapped entry point pushes its layer; when that changes whether the chosen layer is
    running, collection is turned over on the way in and again on the way out. A call within the
    same layer costs a comparison; each turn costs a ctypes call, of which about half is collected:
    a calibration batch measures that, and the figures leave it out.
    """

    def __init__(self, callgrind: Callgrind) -> None:
        self.callgrind = callgrind
        self.collected = NOTHING
        self.stack = [OUTSIDE]
        self.toggles = 0
        self._restore: list[tuple[object, str, object]] = []

    def call(self, layer: str, func, *args, **kwargs):
        stack = self.stack
        caller = stack[-1]
        if caller == layer:
            return func(*args, **kwargs)
        turn = (caller == self.collected) != (layer == self.collected)
        stack.append(layer)
        if turn:
            self.toggles += 2
            self.callgrind.toggle_collect()
        try:
            return func(*args, **kwargs)
        finally:
            if turn:
                self.callgrind.toggle_collect()
            stack.pop()

    def _tag_layer(self, render, tag_layers: dict):
        """A template tag node's render that counts the tags in ``tag_layers`` in their own layer."""

        def render_tag(node, context):
            layer = tag_layers.get(node.func)
            return render(node, context) if layer is None else self.call(layer, render, node, context)

        return render_tag

    def wrap(self, layer: str, func):
        import functools
        import inspect

        if inspect.isgeneratorfunction(func):

            @functools.wraps(func)
            def stepped_in_layer(*args, **kwargs):
                steps = func(*args, **kwargs)
                while True:
                    try:
                        item = self.call(layer, next, steps)
                    except StopIteration:
                        return
                    yield item

            return stepped_in_layer

        @functools.wraps(func)
        def in_layer(*args, **kwargs):
            return self.call(layer, func, *args, **kwargs)

        return in_layer

    def patch(self, owner, name: str, replacement) -> None:
        self._restore.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def patch_item(self, mapping: dict, key: str, replacement) -> None:
        self._restore.append((mapping, key, mapping[key]))
        mapping[key] = replacement

    def patch_functions(self, layer: str, cls, *, also: tuple[str, ...] = ()) -> None:
        """The public functions defined on ``cls`` itself (not inherited), the dunders that make it a
        container or descriptor, and ``also``: where other layers call in. Internal calls between
        private methods stay unwrapped, so that the wrappers cost little."""
        import inspect

        for name, value in list(vars(cls).items()):
            if inspect.isfunction(value) and (not name.startswith("_") or name in ENTRY_DUNDERS or name in also):
                self.patch(cls, name, self.wrap(layer, value))

    def patch_everywhere(self, layer: str, func) -> None:
        """``func`` wherever a module holds it by name (``from x import func``), and in its own module."""
        wrapped = self.wrap(layer, func)
        for module in list(sys.modules.values()):
            namespace = getattr(module, "__dict__", None) or {}
            for name, value in list(namespace.items()):
                if value is func:
                    self.patch(module, name, wrapped)

    def restore(self) -> None:
        for owner, name, original in reversed(self._restore):
            if isinstance(owner, dict):
                owner[name] = original
            else:
                setattr(owner, name, original)
        self._restore.clear()

    def install(self, client) -> None:
        """Wrap each layer's entry points (call after a warm-up, so that lazily built things exist)."""
        import django.db.models.fields.related_descriptors as descriptors
        import django.template.backends.django as django_backend
        import django.template.loader as loader
        from django.apps import apps
        from django.core.cache import caches
        from django.core.cache.backends.base import BaseCache
        from django.db import connections
        from django.db.backends.utils import CursorWrapper
        from django.db.models import Prefetch, Q, QuerySet
        from django.db.models.manager import BaseManager
        from django.db.models.sql import compiler
        from django.template import base, engines
        from django.template.library import InclusionNode, SimpleNode
        from django.test.client import ClientHandler
        from django.urls import resolvers
        from django.urls.base import reverse
        from django.utils import html, text

        self.patch(ClientHandler, "__call__", self.wrap(REST, ClientHandler.__call__))
        self._install_middleware(client.handler)

        self.patch(resolvers.URLResolver, "resolve", self.wrap(URLS, resolvers.URLResolver.resolve))
        self.patch(
            resolvers.URLResolver, "_reverse_with_prefix", self.wrap(URLS, resolvers.URLResolver._reverse_with_prefix)
        )
        self.patch_everywhere(URLS, reverse)

        self.patch(base.Template, "render", self.wrap(TEMPLATES, base.Template.render))
        self.patch(django_backend.Template, "render", self.wrap(TEMPLATES, django_backend.Template.render))
        for name in ("get_template", "select_template", "render_to_string"):
            self.patch_everywhere(TEMPLATES, getattr(loader, name))
        try:
            import django.template.backends.jinja2 as jinja2_backend
        except ImportError:  # Jinja2 is not installed
            pass
        else:
            self.patch(jinja2_backend.Template, "render", self.wrap(TEMPLATES, jinja2_backend.Template.render))

        # Found by their template libraries' names, wherever the project keeps them.
        engine = engines["django"].engine
        story_card = engine.template_libraries["cards"].tags["story_card"].__wrapped__
        picture = engine.template_libraries["pictures"].tags["picture"].__wrapped__
        tag_layers = {story_card: STORY_CARDS, picture: PICTURES}
        # {% picture %} is a simple tag, {% story_card %} an inclusion tag (markup in a template).
        for node_class in (SimpleNode, InclusionNode):
            self.patch(node_class, "render", self._tag_layer(node_class.render, tag_layers))
        # Called as functions too: picture() by story_card(), both by Jinja2 templates (from its globals).
        for func, layer in tag_layers.items():
            self.patch_everywhere(layer, func)
            for backend in engines.all():
                names = getattr(getattr(backend, "env", None), "globals", {})
                for name in [name for name, value in names.items() if value is func]:
                    self.patch_item(names, name, self.wrap(layer, func))

        processors = engine.template_context_processors  # a cached property: patched in the instance
        self.patch(engine, "template_context_processors", tuple(self.wrap(CONTEXT_PROCESSORS, p) for p in processors))

        for cls in (QuerySet, BaseManager):
            self.patch_functions(ORM, cls)
        for cls in (Q, Prefetch):  # built by the project's code, e.g. in published()
            self.patch_functions(ORM, cls, also=("__init__",))
        managers = {type(manager) for model in apps.get_models() for manager in model._meta.managers}
        for manager_class in managers:
            for name, value in list(vars(manager_class).items()):
                # Managers' copies of QuerySet methods are ORM; the project's own methods are not.
                target = getattr(value, "__wrapped__", None)
                if callable(value) and getattr(target, "__module__", "").startswith("django."):
                    self.patch(manager_class, name, self.wrap(ORM, value))
        for cls in vars(descriptors).values():
            if isinstance(cls, type) and cls.__name__.endswith("Descriptor") and "__get__" in vars(cls):
                self.patch(cls, "__get__", self.wrap(ORM, cls.__get__))
        for manager_class in _related_manager_classes(apps):
            self.patch_functions(ORM, manager_class)
        try:
            from taggit.managers import TaggableManager, _TaggableManager
        except ImportError:
            pass
        else:
            self.patch_functions(ORM, _TaggableManager)
            self.patch(TaggableManager, "__get__", self.wrap(ORM, TaggableManager.__get__))

        for cls in vars(compiler).values():
            if isinstance(cls, type) and issubclass(cls, compiler.SQLCompiler) and "as_sql" in vars(cls):
                self.patch(cls, "as_sql", self.wrap(COMPILER, cls.as_sql))

        for name in ("_execute", "_executemany", "__iter__"):
            self.patch(CursorWrapper, name, self.wrap(DRIVER, getattr(CursorWrapper, name)))
        cursor_getattr = CursorWrapper.__getattr__

        def driver_attribute(cursor, name):
            value = cursor_getattr(cursor, name)  # fetchmany, fetchone, close…: the driver's own
            return self.wrap(DRIVER, value) if callable(value) else value

        self.patch(CursorWrapper, "__getattr__", driver_attribute)
        database = type(connections["default"])
        self.patch(database, "create_cursor", self.wrap(DRIVER, database.create_cursor))

        cache_class = type(caches["default"])
        for cls in {cache_class, *cache_class.__mro__[1:]} & {cache_class, BaseCache}:
            self.patch_functions(CACHE, cls)

        import markdown

        self.patch(markdown.Markdown, "convert", self.wrap(TEXT, markdown.Markdown.convert))
        self.patch_everywhere(TEXT, markdown.markdown)
        self.patch_everywhere(TEXT, html.strip_tags)
        self.patch_functions(TEXT, text.Truncator)
        import nh3

        self.patch_everywhere(TEXT, nh3.clean)

    def _install_middleware(self, handler) -> None:
        """The middleware chain runs as MIDDLEWARE, and what it wraps (resolving, the view) as REST."""
        chain = handler._middleware_chain
        self.patch(handler, "_middleware_chain", self.wrap(MIDDLEWARE, chain))
        middleware = chain.__wrapped__  # convert_exception_to_response() keeps what it wraps here
        while not hasattr(middleware.get_response.__wrapped__, "__self__"):  # until the handler's _get_response
            middleware = middleware.get_response.__wrapped__
        self.patch(middleware, "get_response", self.wrap(REST, middleware.get_response))
        for name in ("_view_middleware", "_template_response_middleware", "_exception_middleware"):
            self.patch(handler, name, [self.wrap(MIDDLEWARE, method) for method in getattr(handler, name)])


def _related_manager_classes(apps) -> set[type]:
    """The classes of related managers (``story.bylines``…), which Django builds on first use."""
    found = set()
    for model in apps.get_models():
        for value in vars(model).values():
            manager_class = getattr(value, "__dict__", {}).get("related_manager_cls")
            if isinstance(manager_class, type):
                found.add(manager_class)
    return found


def measuring_process(spec: dict) -> None:
    """Runs under callgrind (or natively for a dry run): renders the pages, reports on stdout."""
    import gc

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    sys.path.insert(0, str(PROJECT))
    import django

    django.setup()
    from django.test import Client

    from pagecache.generation import current_generation_id

    def report(kind: str, **data) -> None:
        print(RESULT_PREFIX + json.dumps({"kind": kind, **data}), flush=True)

    paths = find_paths(spec["pages"])
    pages = [Page(key, path) for key, path in paths.items()]
    client = Client(HTTP_HOST="127.0.0.1")
    survey(client, pages, spec["warmup"])
    report("pages", pages=[asdict(page) for page in pages])
    if spec["dry_run"] or any(page.status != 200 for page in pages):
        return

    callgrind = Callgrind(spec["callgrind_control"])
    switch = LayerSwitch(callgrind)
    dumps = 0

    def segment(part: str, layer: str, run, *, renders: int, page: Page | None = None) -> None:
        """One profile of ``run()`` with callgrind collecting only while ``layer`` is on top of the stack."""
        nonlocal dumps
        for _attempt in range(3):
            gc.collect()
            generation = current_generation_id()
            switch.collected, switch.toggles = layer, 0
            statuses = run()
            # Between batches nothing is collected, even if this process calls into a wrapped layer
            # (the generation check below reads the cache).
            switch.collected, toggles = NOTHING, switch.toggles
            dumps += 1
            label = f"{page.key if page else ''} {part} {layer}".strip()
            callgrind.dump(label)
            # A scheduled story going live starts a new content generation, and every per-generation
            # value is worked out again once: not what a render costs. Measure again then.
            counted = current_generation_id() == generation and all(status == 200 for status in statuses)
            report("segment", dump=dumps, part=part, page=page and page.key, layer=layer, renders=renders,
                   toggles=toggles, counted=counted)  # fmt: skip
            if counted:
                return
        raise SystemExit(f"{page and page.path}: could not measure {renders} renders within one content generation.")

    def renders_of(page: Page, renders: int):
        def run() -> list[int]:
            return switch.call(TEST_CLIENT, lambda: [client.get(page.path).status_code for _ in range(renders)])

        return run

    def calibration() -> list[int]:
        for _ in range(CALIBRATION_TURNS):
            switch.call(CALIBRATION, int)
        return []

    # Callgrind started with instrumentation off, which keeps start-up and warm-up fast.
    callgrind.start_instrumentation()
    segment("calibration", CALIBRATION, calibration, renders=CALIBRATION_TURNS)
    for page in pages:
        # All of a render is in TEST_CLIENT's stack entry while no layer is wrapped.
        segment("all", TEST_CLIENT, renders_of(page, spec["renders"]), renders=spec["renders"], page=page)
    if spec["split"]:
        switch.install(client)
        try:
            for page in pages:
                render(client, page.path)  # anything the wrappers do once happens here, not below
            for page in pages:
                for layer in LAYERS:
                    renders = spec["split_renders"]
                    segment("layer", layer, renders_of(page, renders), renders=renders, page=page)
        finally:
            switch.restore()


# --- In this process: preparing, running and reading callgrind --------------------------------------


def manage(env: dict, *args: str) -> None:
    """A management command in a child process; its output passes through (generate_newsroom's progress)."""
    result = subprocess.run([sys.executable, str(PROJECT / "manage.py"), *args], env=env, cwd=PROJECT)
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed with exit status {result.returncode}.")


# Run by ``manage.py shell``: the demo newsroom if missing, then generated stories up to the target.
FILL_ARCHIVE = """
from django.core.management import call_command
from articles.demo.stories import STORIES
from articles.models import Article
call_command("load_demo", accounts=False, verbosity=0)
missing = len(STORIES) + 1 + {stories} - Article.objects.count()  # the demo's stories and its sample story
if missing > 0:
    call_command("generate_newsroom", stories=missing)
    call_command("update_search_index")
print(f"  {{Article.objects.count():,}} stories, {{Article.objects.published().count():,}} of them published.")
"""


def prepare(env: dict, stories: int) -> None:
    log("  migrating…")
    manage(env, "migrate", "--no-input", "-v0")
    log("  the demo newsroom, if missing, and generated stories up to the target…")
    manage(env, "shell", "-v0", "-c", FILL_ARCHIVE.format(stories=stories))
    log("  collecting static files…")
    manage(env, "collectstatic", "--no-input", "-v0")


def totals(profile: Path) -> int:
    """The instructions in one callgrind profile."""
    for line in profile.read_text(errors="replace").splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise SystemExit(f"{profile} holds no totals: is it a callgrind profile?")


def valgrind_log(workdir: Path) -> str:
    log_file = workdir / "valgrind.log"
    if not log_file.exists():
        return ""
    return "\nvalgrind said:\n" + "\n".join(log_file.read_text(errors="replace").splitlines()[-30:])


def run_measurement(args, env: dict, workdir: Path) -> list[Page]:
    spec = {
        "pages": args.pages,
        "warmup": args.warmup,
        "renders": args.renders,
        "split": args.split,
        "split_renders": args.split_renders,
        "dry_run": args.dry_run,
    }
    command = [sys.executable, str(Path(__file__).resolve()), CHILD_FLAG]
    profiles = workdir / "profiles"
    profiles.mkdir()
    if not args.dry_run:
        spec["callgrind_control"] = str(build_callgrind_control(workdir))
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
            f"--callgrind-out-file={profiles}/callgrind.out", f"--log-file={workdir}/valgrind.log", *command,
        ]  # fmt: skip
    process = subprocess.Popen([*command, json.dumps(spec)], env=env, cwd=PROJECT, stdout=subprocess.PIPE, text=True)
    pages: dict[str, Page] = {}
    per_toggle = 0.0  # instructions collected per turn of collection, from the calibration
    for line in process.stdout:
        if not line.startswith(RESULT_PREFIX):
            print(line, end="")
            continue
        message = json.loads(line[len(RESULT_PREFIX) :])
        if message["kind"] == "pages":
            for data in message["pages"]:
                pages[data["key"]] = page = Page(**data)
                shown = page.path if len(page.path) <= 60 else page.path[:59] + "…"
                log(f"  {page.type.name:<24} {shown:<60} {page.status}  {page.queries:>3} queries  "
                    f"{page.bytes:>9,} bytes")  # fmt: skip
            if not args.dry_run:
                batches = len(pages) * (1 + (len(LAYERS) if args.split else 0))
                log(f"\nCounting instructions: {batches} batches under callgrind…")
            continue
        found = list(profiles.glob(f"callgrind.out*.{message['dump']}"))
        if len(found) != 1:
            process.kill()
            raise SystemExit(f"callgrind wrote no profile for batch {message['dump']}.{valgrind_log(workdir)}")
        collected = totals(found[0])
        if message["part"] == "calibration":
            per_toggle = collected / message["toggles"]
            log(f"  calibration: {per_toggle:,.0f} instructions per turn of collection, taken out of the figures")
            continue
        instructions = max(0.0, collected - message["toggles"] * per_toggle) / message["renders"]
        page, layer = pages[message["page"]], message["layer"]
        what = "all" if message["part"] == "all" else layer
        note = "" if message["counted"] else "  (content generation changed or a render failed: measuring again)"
        log(f"  {page.type.name:<24} {what:<45} {instructions / MILLION:8.2f}M per render{note}")
        if not message["counted"]:
            continue
        if message["part"] == "all":
            page.instructions = instructions
        else:
            page.layers[layer] = instructions
    if process.wait() != 0:
        raise SystemExit(
            f"The measuring process failed (exit status {process.returncode}): see above.{valgrind_log(workdir)}"
        )
    broken = [page for page in pages.values() if page.status != 200]
    if broken:  # the measuring process stops before counting: a failing page's figure would mislead
        log("Not measured: " + ", ".join(f"{page.path} answers {page.status}" for page in broken) + ".")
    elif not args.dry_run and any(not page.instructions for page in pages.values()):
        raise SystemExit(f"callgrind counted nothing.{valgrind_log(workdir)}")
    if args.keep_profiles:
        args.keep_profiles.mkdir(parents=True, exist_ok=True)
        for profile in profiles.iterdir():
            shutil.copy2(profile, args.keep_profiles / profile.name)
    return list(pages.values())


# --- Report -------------------------------------------------------------------------------------------


def millions(value: float | None) -> str:
    return "–" if value is None else f"{value / MILLION:.1f}M"


def main_table(pages: list[Page]) -> str:
    rows = [
        "| Page | URL | Instructions per render | Target | Queries | Target | Bytes | Met |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for page in pages:
        target = page.type
        rows.append(
            f"| {target.name} | `{page.path}` | {millions(page.instructions)} | {millions(target.max_instructions)} | "
            f"{page.queries} | {'–' if target.max_queries is None else target.max_queries} | {page.bytes:,} | "
            f"{'no' if page.misses() else 'yes'} |"
        )
    return "\n".join(rows)


def split_table(pages: list[Page]) -> str:
    measured = [page for page in pages if page.layers]
    header = "| Layer (instructions per render) | " + " | ".join(page.type.name for page in measured) + " |"
    rows = [header, "| --- |" + " ---: |" * len(measured)]
    for layer in LAYERS:
        cells = []
        for page in measured:
            value = page.layers.get(layer, 0)
            cells.append(f"{value / MILLION:.2f}M ({value / page.instructions:.0%})")
        rows.append(f"| {layer} | " + " | ".join(cells) + " |")
    overhead = [sum(page.layers.values()) - page.instructions for page in measured]
    rows.append("| the split's own wrappers | " + " | ".join(f"{value / MILLION:+.2f}M" for value in overhead) + " |")
    rows.append("| **total** | " + " | ".join(f"**{millions(page.instructions)}**" for page in measured) + " |")
    return "\n".join(rows)


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", help="the database to measure (default: a throwaway SQLite file)")
    parser.add_argument(
        "--stories", type=int, default=500, help="generated stories beyond the demo's the database must hold (500)"
    )
    parser.add_argument("--pages", default=",".join(PAGE_TYPE), help="page types, comma-separated (default: all)")
    parser.add_argument("--renders", type=int, default=5, help="measured renders per page (default 5)")
    parser.add_argument("--warmup", type=int, default=3, help="renders of each page before measuring (default 3)")
    parser.add_argument("--no-split", dest="split", action="store_false", help="skip the split by layer")
    parser.add_argument("--split-renders", type=int, default=1, help="renders per page and layer (default 1)")
    parser.add_argument("--check", action="store_true", help="exit with status 1 when a page misses a target")
    parser.add_argument(
        "--dry-run", action="store_true", help="render each page once without valgrind: status, queries, bytes"
    )
    parser.add_argument("--keep-profiles", type=Path, metavar="DIR", help="keep callgrind's profiles in DIR")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures to FILE as JSON")
    args = parser.parse_args(argv)
    args.pages = [key.strip() for key in args.pages.split(",") if key.strip()]
    unknown = [key for key in args.pages if key not in PAGE_TYPE]
    if unknown or not args.pages:
        parser.error(f"--pages takes some of {', '.join(PAGE_TYPE)}; not {', '.join(unknown) or 'nothing'}.")
    for name in ("stories", "warmup"):
        if getattr(args, name) < 0:
            parser.error(f"--{name} must be 0 or more.")
    for name in ("renders", "split_renders"):
        if getattr(args, name) < 1:
            parser.error(f"--{name.replace('_', '-')} must be at least 1.")
    if not args.dry_run:
        for tool in ("valgrind", "callgrind_control"):
            if shutil.which(tool) is None:
                parser.error(f"{tool} is not installed: `apt-get install valgrind` (or use --dry-run).")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_arguments(argv)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="newsroom-instructions-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'newsroom.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PAGE_CACHE_SECONDS": "0",
        "STATIC_ROOT": str(workdir / "static"),  # production's manifest storage needs collectstatic
        "MEDIA_ROOT": str(workdir / "media"),  # the demo's images; rendering reads only their rows
        "DATABASE_POOL_SIZE": "0",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "WARNING",
        "PYTHONHASHSEED": "0",  # the same dict and set orders, so the same instructions, every run
    }
    env.pop("REDIS_URL", None)  # the in-process cache: a Redis server's work would not be counted anyway
    try:
        where = args.database_url or "a throwaway SQLite file"
        log(f"Preparing {where}: the demo newsroom and {args.stories:,} generated stories…")
        prepare(env, args.stories)
        mode = "Rendering each page (dry run, no valgrind)" if args.dry_run else "Rendering under callgrind"
        log(f"\n{mode}: {len(args.pages)} page types, {args.warmup} warm-up renders each…")
        pages = run_measurement(args, env, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    log("\n" + main_table(pages))
    if any(page.layers for page in pages):
        log("\nWhere the instructions go (each layer's own, without what it calls in other layers):\n")
        log(split_table(pages))
    if args.json:
        args.json.write_text(json.dumps([{**asdict(page), "name": page.type.name} for page in pages], indent=2))
    misses = [miss for page in pages for miss in page.misses()]
    what = "queries and status" if args.dry_run else "instructions and queries"
    log(f"\n{len(pages)} pages in {time.monotonic() - started:.0f}s; targets ({what}): "
        + ("all met." if not misses else f"{len(misses)} missed:\n  " + "\n  ".join(misses)))  # fmt: skip
    if any(page.status != 200 for page in pages):
        return 1  # a broken page is an error, whether or not targets are checked
    return 1 if misses and args.check else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == CHILD_FLAG:
        measuring_process(json.loads(sys.argv[2]))
    else:
        sys.exit(main())
