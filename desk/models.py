"""What the writing desk keeps in the database: each person's autosave of a story's form."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Autosave(models.Model):
    """One person's unsaved state of a story form: not a revision, never shown to readers.

    Kept per person, for a saved story (``story``) or for a new one not yet saved (``client_token``,
    chosen by the browser tab that writes it). Writing one touches nothing of the story: not its
    version (edit conflicts), not its revisions, not the page cache.
    """

    story = models.ForeignKey("articles.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    client_token = models.CharField(max_length=64, blank=True, help_text="Identifies a new story's form.")
    fields = models.JSONField(default=dict, help_text="The form's fields by name, as typed.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["story", "user"], condition=Q(story__isnull=False), name="autosave_one_per_story_and_user"
            ),
            models.UniqueConstraint(
                fields=["user", "client_token"],
                condition=Q(story__isnull=True),
                name="autosave_one_per_new_story_form",
            ),
        ]
        indexes = [models.Index(fields=["updated_at"], name="autosave_updated_at")]

    def __str__(self) -> str:
        return f"Autosave of {'story ' + str(self.story_id) if self.story_id else 'a new story'} by {self.user_id}"
