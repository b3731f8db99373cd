"""Account events into the audit log: sign-ins, failures, lockouts, new accounts, roles and deactivations."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver

from audit.log import record
from audit.models import Event


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender, request, user, **kwargs) -> None:
    from .middleware import start_session_clock

    record(request, Event.SIGNED_IN, actor=user)
    start_session_clock(request)


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(request, Event.SIGNED_OUT, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    if sender == "accounts.views":  # a wrong code or password again: the view records what it was
        return
    record(request, Event.SIGN_IN_FAILED, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record(request, Event.LOCKED_OUT, username=username or "", details=f"After repeated failures from {ip_address}.")


def _acting(instance) -> str:
    return instance.get_username()


@receiver(pre_save, sender=get_user_model(), dispatch_uid="audit_user_flags")
def _remember_flags(sender, instance, **kwargs) -> None:
    if instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values("is_active", "is_staff", "is_superuser").first()
    instance._audit_flags_before = before


@receiver(post_save, sender=get_user_model(), dispatch_uid="audit_user_saved")
def _user_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:
        return
    from audit.requests import current_request

    request = current_request()
    if created:
        record(request, Event.USER_CREATED, target=_acting(instance))
        return
    before = getattr(instance, "_audit_flags_before", None)
    if not before:
        return
    if before["is_active"] != instance.is_active:
        event = Event.USER_REACTIVATED if instance.is_active else Event.USER_DEACTIVATED
        record(request, event, target=_acting(instance))
    changed = [
        f"{flag}: {before[flag]} → {getattr(instance, flag)}"
        for flag in ("is_staff", "is_superuser")
        if before[flag] != getattr(instance, flag)
    ]
    if changed:
        record(request, Event.STAFF_STATUS_CHANGED, target=_acting(instance), details="; ".join(changed))


def _m2m_receiver(event: Event):
    def receiver_(sender, instance, action, pk_set, model, **kwargs) -> None:
        if action not in ("post_add", "post_remove", "post_clear") or not isinstance(instance, get_user_model()):
            return
        from audit.requests import current_request

        names = sorted(str(item) for item in model.objects.filter(pk__in=pk_set or []))
        verb = {"post_add": "added", "post_remove": "removed", "post_clear": "all removed"}[action]
        record(current_request(), event, target=_acting(instance), details=f"{verb}: {', '.join(names)}".strip(": "))

    return receiver_


_groups_changed = _m2m_receiver(Event.GROUPS_CHANGED)
_permissions_changed = _m2m_receiver(Event.PERMISSIONS_CHANGED)
m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through, dispatch_uid="audit_groups")
m2m_changed.connect(
    _permissions_changed, sender=get_user_model().user_permissions.through, dispatch_uid="audit_permissions"
)
