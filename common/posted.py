"""What a refused or failed request posted that its sender typed, to show back for copying: nothing is lost."""

from django.http import HttpRequest

# Posted fields that are not the sender's text: form machinery, and what must never be echoed.
MACHINERY_FIELDS = frozenset({"csrfmiddlewaretoken"})
FORMSET_MANAGEMENT_SUFFIXES = ("-TOTAL_FORMS", "-INITIAL_FORMS", "-MIN_NUM_FORMS", "-MAX_NUM_FORMS")


def posted_text(request: HttpRequest) -> list[tuple[str, str]]:
    """What the request posted that its sender typed, as (field name, value) pairs in the form's order.

    Never files, passwords, the CSRF token, formset bookkeeping or the submit buttons (``_save``).
    """
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in MACHINERY_FIELDS
        and not name.startswith("_")
        and not name.endswith(FORMSET_MANAGEMENT_SUFFIXES)
        and "password" not in name.lower()
        for value in values
        if value.strip()
    ]


def copyable(pairs: list[tuple[str, str]]) -> list[dict]:
    """(label, text) pairs as ``includes/posted_text.html`` shows them: each in a read-only box with a Copy button."""
    return [
        {"id": f"posted-{number}", "name": name, "value": value, "rows": min(max(value.count("\n") + 2, 2), 20)}
        for number, (name, value) in enumerate(pairs, start=1)
    ]
