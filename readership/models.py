"""``HourlyReads``: how many times an id was read in an hour, and nothing else (see ``readership.counting``)."""

from django.db import models


class HourlyReads(models.Model):
    """The number of reads of one item (a story's id, for ``articles``) in one hour. No reader is recorded."""

    item_id = models.PositiveBigIntegerField(help_text="What was read: the id its content app counts it under.")
    hour = models.DateTimeField(help_text="The start of the hour the reads fell in (UTC).")
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "hourly reads"
        verbose_name_plural = "hourly reads"
        constraints = [models.UniqueConstraint(fields=["item_id", "hour"], name="hourly_reads_one_row_per_hour")]
        # The last day's rows, for the most-read lists, and the oldest, for forgetting them.
        indexes = [models.Index(fields=["hour"], name="hourly_reads_by_hour")]

    def __str__(self) -> str:
        return f"{self.item_id} at {self.hour:%Y-%m-%d %H}:00: {self.reads}"
