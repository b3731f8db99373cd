"""What the browser tests share: logging in through the admin's form (with the second factor for editors),
placing the story body's cursor, and reading axe-core's findings."""

PASSWORD = "correct horse battery staple"


def give_password(page, base_url: str, username: str) -> None:
    """The first step of signing in: the admin's login form."""
    page.goto(f"{base_url}/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_in(page, base_url: str, username: str) -> None:
    page.context.clear_cookies()
    give_password(page, base_url, username)
    page.wait_for_load_state()
    if "/admin/two-factor/code/" in page.url:  # an editor: the code their app shows now
        from django.contrib.auth import get_user_model

        from tests.helpers.two_factor import current_code

        page.get_by_label("Code").fill(current_code(get_user_model().objects.get(username=username)))
        page.get_by_role("button", name="Verify").click()
    page.wait_for_url(f"{base_url}/admin/")


def put_cursor_after(page, text: str) -> None:
    """The story body's cursor right after ``text``, as a click there would put it."""
    page.get_by_label("Body").evaluate(
        "(body, text) => { const at = body.value.indexOf(text) + text.length; body.focus();"
        " body.setSelectionRange(at, at); }",
        text,
    )


def axe_report(violations: list[dict]) -> str:
    """axe-core's violations, one line each: impact, rule, and where."""
    return "\n".join(
        f"{violation['impact']}: {violation['id']} ({violation['help']}) at "
        + ", ".join(" ".join(node["target"]) for node in violation["nodes"])
        for violation in violations
    )
