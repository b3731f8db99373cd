"""What a page tells search engines and social sites: absolute URLs and JSON-LD."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from articles.structured_data import LOGO

register = template.Library()

# As Django's json_script: inside a <script>, "<", ">" and "&" are written as
# JSON escapes, so no string in the data can close the element or open another.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


@register.filter(is_safe=True)
def json_ld(data: dict) -> SafeString:
    """``data`` as a ``<script type="application/ld+json">`` element."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag(takes_context=True)
def absolute_url(context: template.Context, url: str) -> str:
    """``url`` (a path, or already absolute) as an absolute URL for this request."""
    return context["request"].build_absolute_uri(url)


@register.simple_tag
def publisher_logo() -> str:
    """The static URL of the publication's logo (icon, default sharing image, JSON-LD logo)."""
    return static(LOGO)
