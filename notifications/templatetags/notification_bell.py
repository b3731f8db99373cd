"""``{% notification_bell %}``: the link to a person's notifications with their unread count, on every admin page."""

from django import template

from ..models import Notification

register = template.Library()


@register.inclusion_tag("notifications/bell.html", takes_context=True)
def notification_bell(context) -> dict:
    """One query: the count of the user's unread notifications."""
    user = context.get("user") or context["request"].user
    unread = Notification.objects.for_user(user).unread().count() if user.is_authenticated else 0
    return {"unread": unread}
