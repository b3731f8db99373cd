"""Back-office forms: the story form with its edit-conflict guard, the workflow action forms, the import form."""

from datetime import timedelta

from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime
from django.utils import timezone
from django.utils.formats import date_format

from .ingest.importer import Format
from .models import Article, Correction, Section
from .previews import DEFAULT_LIFETIME, MAX_LIFETIME
from .workflow import Action


class ArticleAdminForm(forms.ModelForm):
    """The story form. It carries the version it was opened at, so a stale save is refused."""

    # Not named "version": the model field is not editable, and this is only the version the form was opened at.
    opened_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    # The revision loaded into the form (see ``restored``), so its save is recorded as restoring it.
    restored_from = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    # Initial values from a revision an editor is restoring (set by the admin on a form class of its own).
    restored: dict = {}

    class Meta:
        model = Article
        fields = [
            "kicker", "title", "slug", "standfirst", "body", "section", "tags", "sources", "front_page_slot",
            "lead_picture", "seo_title", "meta_description", "social_image", "social_image_alt", "embargo_until",
        ]  # fmt: skip
        widgets = {
            "title": forms.TextInput(attrs={"class": "vTextField newsroom-wide"}),
            "standfirst": forms.Textarea(attrs={"rows": 3, "class": "newsroom-wide"}),
            "body": forms.Textarea(attrs={"rows": 24, "class": "vLargeTextField newsroom-wide newsroom-body"}),
            "seo_title": forms.TextInput(attrs={"class": "vTextField newsroom-wide"}),
            "meta_description": forms.Textarea(attrs={"rows": 3, "class": "newsroom-wide"}),
            "social_image_alt": forms.TextInput(attrs={"class": "vTextField newsroom-wide"}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opened_version"].initial = self.instance.version
        self.fields["opened_version"].required = self.instance.pk is not None
        if self.restored and not self.is_bound:
            self.initial.update(self.restored)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = (
                "The last part of the story's address, made from the headline; -2, -3… is added if another "
                "story has it. Fixed once the story is published."
            )

    def clean_lead_picture(self):
        """A picture newly chosen must still be licensed; one chosen before stays (readers no longer see it)."""
        picture = self.cleaned_data.get("lead_picture")
        if picture is not None and "lead_picture" in self.changed_data and picture.licence_expired():
            raise forms.ValidationError(
                "The licence of this picture ran out on %(day)s: it may not be shown. Choose another one.",
                params={"day": date_format(picture.licence_expires, "j F Y")},
            )
        return picture

    def clean_slug(self) -> str:
        """The slug typed (or made from the headline), made unique: a clash is never the journalist's problem."""
        wanted = self.cleaned_data.get("slug") or self.cleaned_data.get("title") or ""
        return self.instance.free_slug(wanted) if wanted else ""

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk is None or "opened_version" in self.errors:
            return cleaned
        # Lock the row for the rest of the admin's save transaction: nobody can
        # slip a save in between this check and ours.
        current = (
            Article.objects.select_for_update(of=("self",))
            .select_related("updated_by")
            .only("version", "updated_at", "updated_by__username", "updated_by__first_name", "updated_by__last_name")
            .get(pk=self.instance.pk)
        )
        if cleaned.get("opened_version") != current.version:
            editor = current.updated_by
            who = (editor.get_full_name() or editor.username) if editor else "Someone"
            when = date_format(timezone.localtime(current.updated_at), "j F Y, H:i")
            raise forms.ValidationError(
                "%(who)s changed this story at %(when)s, after you opened it, so your changes were not saved. "
                "Everything you typed is still below: copy what you need, open the story again to see the "
                "latest version, and apply your changes there.",
                code="edit_conflict",
                params={"who": who, "when": when},
            )
        return cleaned


class WorkflowActionForm(forms.Form):
    """What an editor or journalist adds to a transition: a note, a time, a kind of correction."""

    NOTE_REQUIRED = {Action.SEND_BACK: "What needs to change?", Action.UNPUBLISH: "Why is it being withdrawn?"}

    def __init__(self, action: Action, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.action = action
        if action == Action.SCHEDULE:
            self.fields["publish_at"] = forms.SplitDateTimeField(
                label="Publish at", widget=AdminSplitDateTime, help_text="In the newsroom's time zone."
            )
        if action == Action.CORRECT:
            self.fields["kind"] = forms.ChoiceField(choices=Correction.Kind.choices, initial=Correction.Kind.CORRECTION)
        if action == Action.CHANGE_ADDRESS:
            self.fields["slug"] = forms.SlugField(
                label="New slug",
                max_length=255,
                allow_unicode=True,
                help_text="The last part of the story's address. Links to the old address will keep working: "
                "they redirect here permanently.",
            )
            return
        if action == Action.PREVIEW_LINK:
            self.fields["label"] = forms.CharField(
                max_length=120, required=False, help_text="Who the link is for, e.g. “Lawyer, quote check”."
            )
            self.fields["hours"] = forms.IntegerField(
                label="Valid for (hours)",
                min_value=1,
                max_value=int(MAX_LIFETIME.total_seconds() // 3600),
                initial=int(DEFAULT_LIFETIME.total_seconds() // 3600),
            )
            return
        required = action in self.NOTE_REQUIRED or action == Action.CORRECT
        self.fields["note"] = forms.CharField(
            label="Reason" if action == Action.UNPUBLISH else "Note",
            required=required,
            widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
            help_text=self.NOTE_REQUIRED.get(action, "Shown to readers." if action == Action.CORRECT else ""),
        )

    def clean_publish_at(self):
        publish_at = self.cleaned_data["publish_at"]
        if publish_at <= timezone.now():
            raise forms.ValidationError("Choose a time in the future, or publish now instead.")
        if publish_at > timezone.now() + timedelta(days=366):
            raise forms.ValidationError("Schedule at most a year ahead.")
        return publish_at


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; each is checked like a single file, and the field cleans to a list.

    Empty files are let through: the importer refuses them item by item, with its own message.
    """

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None) -> list:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data] or [single(None, initial)]
        return [single(data, initial)]


class ImportStoriesForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="Plain-text stories (.txt), IPTC ninjs (.json) or RSS/Atom feeds (.xml); several at once. "
        "At most 2 MB each.",
    )
    section = forms.ModelChoiceField(queryset=Section.objects.all(), help_text="Where the stories will go.")
    format = forms.ChoiceField(
        choices=[
            (Format.AUTO, "Recognise from each file"),
            (Format.TEXT, "Plain text"),
            (Format.NINJS, "IPTC ninjs"),
            (Format.FEED, "RSS or Atom feed"),
        ],
        initial=Format.AUTO,
    )
