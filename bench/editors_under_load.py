#!/usr/bin/env python
"""Editors at work while readers keep reading: no errors, no lost update.

    .venv/bin/python bench/editors_under_load.py [--seconds 60] [--editors 4] [--reader-rate 30]

Serves the demo newsroom (a throwaway PostgreSQL database, or ``--database-url``)
with gunicorn under production settings. For ``--seconds``:

- readers request the front page, sections and stories at a steady rate;
- ``--editors`` editors, logged in through the admin, all edit the same few stories
  through the story form (each save appends a unique token to the body, starting
  from what the editor opened), and publish and unpublish other stories.

Then it checks that no request failed, that every save the site accepted left its
token in the body exactly once (a lost update would drop one), that no refused save
left its token anywhere, and prints the rates held.
"""

import argparse
import ast
import html
import http.cookiejar
import os
import random
import re
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT / "bench"))
from load import drive  # noqa: E402
from run import Server, manage  # noqa: E402

PASSWORD = "editor-demo-password"


def two_factor_code(env: dict, username: str) -> str:
    """The current code of an account holding the demo key (load_demo's editor, this bench's editors)."""
    return manage(env, "demo_code", username, capture=True).strip()


class Editor:
    def __init__(self, base: str, username: str, env: dict) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        page = self.get("/admin/login/")
        _, page = self.post("/admin/login/", {"username": username, "password": PASSWORD, "next": "/admin/"}, page)
        if 'name="code"' in page:  # editors sign in with a code from their app too
            self.post("/admin/two-factor/code/", {"code": two_factor_code(env, username)}, page)

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict, page: str) -> tuple[int, str]:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
        request = urllib.request.Request(self.base + path, body, headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def form_fields(page: str) -> dict:
    """The story form as the browser would send it back (text inputs, textareas, selects, inline rows)."""
    fields = {}
    for name, value in re.findall(r'<input[^>]*?\sname="([^"]+)"[^>]*?\svalue="([^"]*)"', page):
        if name not in {"csrfmiddlewaretoken"} and "__prefix__" not in name:
            fields[name] = html.unescape(value)
    for name, value in re.findall(r'<textarea[^>]*?\sname="([^"]+)"[^>]*>(.*?)</textarea>', page, flags=re.S):
        fields[name] = html.unescape(value).lstrip("\n")
    for name, options in re.findall(r'<select[^>]*?\sname="([^"]+)"[^>]*>(.*?)</select>', page, flags=re.S):
        if "__prefix__" in name:
            continue
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', options)
        fields[name] = chosen if name == "sources" else (chosen[0] if chosen else "")
    for checkbox in re.findall(r"<input[^>]*type=\"checkbox\"[^>]*>", page):
        name = re.search(r'\sname="([^"]+)"', checkbox)
        if name and " checked" in checkbox and "__prefix__" not in name.group(1):
            fields[name.group(1)] = "on"
        elif name:
            fields.pop(name.group(1), None)
    return fields


def editor_loop(editor, username, story_ids, toggle_ids, until, results, lock) -> None:
    rng = random.Random(username)
    while time.monotonic() < until:
        if rng.random() < 0.8:
            story = rng.choice(story_ids)
            page = editor.get(f"/admin/articles/article/{story}/change/")
            data = form_fields(page)
            token = f"edit-{username}-{secrets.token_hex(4)}"
            data["body"] = data.get("body", "") + f"\n\n{token}"
            data["_continue"] = "Save and continue editing"
            time.sleep(rng.uniform(0.05, 0.3))  # typing, while others save
            status, answer = editor.post(f"/admin/articles/article/{story}/change/", data, page)
            with lock:
                if status in (200, 302) and "your changes were not saved" in answer:
                    results["refused"].append((story, token))
                elif status in (200, 302) and "errornote" not in answer:
                    results["saved"].append((story, token))
                else:
                    reasons = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', answer, flags=re.S)
                    reasons = [html.unescape(re.sub(r"<[^>]+>", " ", reason)).strip() for reason in reasons]
                    results["errors"].append(f"{username} save {story}: {status} {'; '.join(reasons)[:300]}")
        else:
            story = rng.choice(toggle_ids)
            page = editor.get(f"/admin/articles/article/{story}/change/")
            action = "unpublish" if "Unpublish…" in page else "publish"
            form = editor.get(f"/admin/articles/article/{story}/workflow/{action}/")
            status, answer = editor.post(
                f"/admin/articles/article/{story}/workflow/{action}/", {"note": f"{action} under load"}, form
            )
            with lock:
                if status >= 500:
                    results["errors"].append(f"{username} {action} {story}: {status}")
                elif '<li class="error">' in answer:  # another editor got there first: told why, nothing done
                    results["workflow_refused"].append(story)
                else:
                    results[action].append(story)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/newsroom_editors_load")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--editors", type=int, default=4)
    parser.add_argument("--reader-rate", type=int, default=30, help="reader requests per second")
    args = parser.parse_args()

    if args.database_url.startswith("postgres"):
        name = urllib.parse.urlsplit(args.database_url).path.lstrip("/")
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-q", "-c", f'DROP DATABASE IF EXISTS "{name}"',
                        "-c", f'CREATE DATABASE "{name}"'], check=True)  # fmt: skip
    static_root = Path(os.environ.get("TMPDIR", "/tmp")) / f"newsroom-editors-static-{os.getpid()}"
    env = {
        **os.environ, "DATABASE_URL": args.database_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "STATIC_ROOT": str(static_root), "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0", "DATABASE_POOL_SIZE": "4", "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(static_root / "media"),
    }  # fmt: skip
    print("Preparing the demo newsroom…", flush=True)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "collectstatic", "--no-input", "-v0")
    manage(env, "load_demo", "--accounts", "-v0")
    script = f"""
from django.contrib.auth.models import Group, User
from django_otp.plugins.otp_totp.models import TOTPDevice
from articles.demo import DEMO_TOTP_KEY
from articles.models import Article
for n in range({args.editors}):
    user, created = User.objects.get_or_create(username=f"editor{{n}}", defaults={{"is_staff": True}})
    user.set_password({PASSWORD!r}); user.save(); user.groups.add(Group.objects.get(name="Editor"))
    TOTPDevice.objects.get_or_create(user=user, defaults={{"key": DEMO_TOTP_KEY, "confirmed": True}})
ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True))
print("IDS", ",".join(map(str, ids)))
print("TOGGLED", " ".join(Article.objects.get(pk=pk).get_absolute_url() for pk in ids[3:6]))
"""
    output = manage(env, "shell", capture=True, stdin=script)
    ids = [int(pk) for pk in output.split("IDS ", 1)[1].split()[0].split(",")]
    edited, toggled = ids[:3], ids[3:6]
    reader_paths = ["/", "/world/", "/business/", "/search/?q=nato", *[f"/archive/{time.gmtime().tm_year}/"]]

    server = Server({**env, "PAGE_CACHE_SECONDS": "600"}, workers=os.cpu_count() or 2)
    results = {"saved": [], "refused": [], "errors": [], "publish": [], "unpublish": [], "workflow_refused": []}
    lock = threading.Lock()
    try:
        story_urls = re.findall(
            r'href="(/[a-z-]+/\d{4}/\d{2}/\d{2}/[^"]+/)"', urllib.request.urlopen(server.url).read().decode()
        )
        # Stories the editors publish and unpublish answer 404 while unpublished, rightly: readers skip them.
        toggled_urls = set(output.split("TOGGLED ", 1)[1].split())
        reader_paths += [url for url in story_urls if url not in toggled_urls][:10]
        # Signed in (password and code) before the clock starts: the run measures work, not sign-ins.
        signed_in = {f"editor{n}": Editor(server.url, f"editor{n}", server.env) for n in range(args.editors)}
        until = time.monotonic() + args.seconds
        editors = [
            threading.Thread(target=editor_loop, args=(editor, name, edited, toggled, until, results, lock))
            for name, editor in signed_in.items()
        ]
        for thread in editors:
            thread.start()
        reader_requests = reader_errors = 0
        started = time.monotonic()
        while time.monotonic() < until:
            tick = time.monotonic()
            load = drive(server.url, reader_paths, requests=args.reader_rate, concurrency=4, seed=reader_requests)
            reader_requests += load.requests
            reader_errors += load.errors
            time.sleep(max(0.0, 1 - (time.monotonic() - tick)))
        reader_seconds = time.monotonic() - started
        for thread in editors:
            thread.join()
        final = manage(env, "shell", capture=True, stdin=(
            "from articles.models import Article\n"
            f"for a in Article.objects.filter(pk__in={edited}):\n"
            "    print('BODY', a.pk, repr(a.body))\n"
        ))  # fmt: skip
    finally:
        server.stop()

    bodies = {int(pk): ast.literal_eval(body) for pk, body in re.findall(r"BODY (\d+) (.*)", final)}
    counts = Counter(token for body in bodies.values() for token in re.findall(r"edit-editor\d+-[0-9a-f]{8}", body))
    lost = [token for _, token in results["saved"] if counts[token] != 1]
    leaked = [token for _, token in results["refused"] if counts[token]]
    saves, refusals = len(results["saved"]), len(results["refused"])
    rate = reader_requests / reader_seconds
    print(f"\nReaders: {reader_requests:,} requests in {reader_seconds:.0f}s ({rate:.1f}/s), {reader_errors} errors")
    print(f"Editors: {saves} saves accepted ({saves / args.seconds:.2f}/s), {refusals} stale saves refused, "
          f"{len(results['publish'])} publishes, {len(results['unpublish'])} unpublishes "
          f"({len(results['workflow_refused'])} more refused: another editor had just done it), "
          f"{len(results['errors'])} errors")  # fmt: skip
    print(f"Every accepted edit in the body exactly once: {'yes' if not lost else f'NO, {len(lost)} lost'}; "
          f"refused edits absent: {'yes' if not leaked else f'NO, {len(leaked)} present'}")  # fmt: skip
    for error in results["errors"][:10]:
        print("  error:", error)
    if reader_errors or results["errors"] or lost or leaked:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
