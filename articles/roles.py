"""The newsroom's roles as Django groups, and the model permissions each one holds.

What a role may do to a given story in a given state is decided in
``workflow.py``; these permissions only open the doors it guards. The groups
are created by migration ``0003_editorial_roles`` and brought up to date after
every ``migrate`` (and database flush), so a permission added here reaches
every installation without a hand-made step.

The media library's permissions are listed here too, the one list: journalists and editors upload,
describe and choose pictures; only editors delete (and a picture in use is refused even to them,
``on_delete=PROTECT``). ``media_library`` comes before this app in ``INSTALLED_APPS`` (it sits below it),
so its permissions exist when this app's ``post_migrate`` gives them out.
"""

from django.apps import apps as global_apps
from django.db.models import Q

JOURNALIST = "Journalist"
EDITOR = "Editor"

_JOURNALIST_PERMISSIONS = [
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "delete_article"),
    ("articles", "view_article"),
    ("articles", "view_section"),
    ("articles", "add_source"),
    ("articles", "view_source"),
    ("authors", "view_author"),
    ("taggit", "view_tag"),
    ("media_library", "add_image"),
    ("media_library", "change_image"),
    ("media_library", "view_image"),
    # Live coverage (``live``, which gives these out again once its permissions exist): posting on live
    # stories they are on; ``live.workflow`` decides which.
    ("live", "view_livecoverage"),
    ("live", "add_livepost"),
    ("live", "change_livepost"),
    ("live", "delete_livepost"),
    ("live", "view_livepost"),
]
_DESK_MODELS = [
    ("articles", "section"),
    ("articles", "source"),
    ("articles", "publicationpage"),  # about, contact, privacy, terms… (the footer's pages)
    ("authors", "author"),
    ("taggit", "tag"),
]
_EDITOR_PERMISSIONS = [
    *_JOURNALIST_PERMISSIONS,
    ("articles", "publish_article"),
    ("articles", "view_storyinreview"),
    ("articles", "view_correction"),
    ("articles", "view_previewlink"),
    ("media_library", "delete_image"),
    ("live", "add_livecoverage"),
    ("live", "change_livecoverage"),
    ("live", "approve_livepost"),
    ("live", "view_livepostrevision"),
    *((app, f"{verb}_{model}") for app, model in _DESK_MODELS for verb in ("add", "change", "delete", "view")),
]
ROLE_PERMISSIONS = {JOURNALIST: _JOURNALIST_PERMISSIONS, EDITOR: _EDITOR_PERMISSIONS}


def sync_roles(apps=global_apps, **kwargs) -> None:
    """Create the role groups if missing and give them every permission listed above that exists.

    Permissions granted by hand on top are left alone. Usable from a migration
    (with its ``apps``) and as a ``post_migrate`` receiver.
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, permissions in ROLE_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = Q()
        for app_label, codename in permissions:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*permission_model.objects.filter(wanted))
