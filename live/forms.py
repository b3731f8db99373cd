"""The live desk's forms: starting a live story, and a post (new or edited)."""

from django import forms

from articles.models import Section
from authors.models import Author

from .models import LiveCoverage, LivePost


class StartLiveForm(forms.Form):
    """A new live story: the story's essentials; the rest (lead picture, tags) is the story form's."""

    title = forms.CharField(label="Headline", max_length=255)
    standfirst = forms.CharField(max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    section = forms.ModelChoiceField(queryset=Section.objects.order_by("name"))
    key_points = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=LiveCoverage._meta.get_field("key_points").help_text,
    )
    direct_posting = forms.BooleanField(
        required=False, label="Journalists on the byline post directly",
        help_text=LiveCoverage._meta.get_field("direct_posting").help_text,
    )  # fmt: skip
    publish = forms.BooleanField(required=False, initial=True, label="Publish now (the page goes live at once)")


class PostForm(forms.ModelForm):
    """A post: compact enough to sit at the top of the live story's page."""

    authors = forms.ModelMultipleChoiceField(
        queryset=Author.objects.order_by("name"),
        required=False,
        help_text="Left empty: you.",
        widget=forms.SelectMultiple(attrs={"size": 3}),
    )

    class Meta:
        model = LivePost
        fields = ["title", "body", "key_event", "pinned", "authors"]
        widgets = {
            "title": forms.TextInput(attrs={"placeholder": "Optional title", "size": 60}),
            "body": forms.Textarea(attrs={"rows": 5, "cols": 80, "placeholder": "What happened? (Markdown)"}),
        }

    def __init__(self, *args, may_pin: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not may_pin:
            self.fields["pinned"].disabled = True
            self.fields["pinned"].help_text = "Only editors pin posts."
        if self.instance.pk:
            self.initial.setdefault("authors", list(self.instance.authors.all()))

    def clean_body(self) -> str:
        body = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError("Write something: a post needs a body.")
        return body
