"""Who may use the media library: the newsroom's roles get its model permissions.

Journalists and editors both upload pictures, describe them and choose them for stories; only editors
delete (and a picture a story uses will be refused even to them, once stories use the library). The role
names are the groups ``articles.roles`` creates; this app sits below ``articles`` and cannot import them.
When stories use the library, these lines move into ``articles.roles.ROLE_PERMISSIONS``, the one list.
"""

from django.apps import apps as global_apps
from django.db.models import Q

LIBRARY_PERMISSIONS = {
    "Journalist": ["add_image", "change_image", "view_image"],
    "Editor": ["add_image", "change_image", "delete_image", "view_image"],
}


def grant_library_permissions(apps=global_apps, **kwargs) -> None:
    """Give the role groups the library's permissions listed above (after every migrate and flush).

    The groups are made if missing: after a flush this app's turn comes before ``articles`` makes them
    (``get_or_create`` there too, so whichever runs first, both sets of permissions are given).
    """
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for name, codenames in LIBRARY_PERMISSIONS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        wanted = Q(content_type__app_label="media_library", codename__in=codenames)
        group.permissions.add(*permission_model.objects.filter(wanted))
