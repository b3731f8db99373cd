from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from articles.models import PreviewLink


class Command(BaseCommand):
    help = (
        "Delete preview links that stopped working (expired or revoked) more than PREVIEW_LINK_RECORDS_DAYS "
        "ago, with the record of each opening (address, browser). Links still working are never touched."
    )

    def handle(self, *args, **options) -> None:
        moment = timezone.now() - timedelta(days=settings.PREVIEW_LINK_RECORDS_DAYS)
        deleted, by_model = PreviewLink.objects.ended_before(moment).delete()
        links = by_model.get(PreviewLink._meta.label, 0)
        uses = deleted - links
        self.stdout.write(
            f"Forgot {links} preview link(s) that ended over {settings.PREVIEW_LINK_RECORDS_DAYS} days ago, "
            f"with {uses} record(s) of their use."
        )
