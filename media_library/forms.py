"""The library's forms: a picture's own page, and one file of a batch upload."""

from django import forms

from .models import Image

FOCAL_WIDGET = forms.NumberInput(attrs={"step": "0.001", "min": "0", "max": "1", "class": "focal-point-input"})


class ImageForm(forms.ModelForm):
    """A picture's page in the library. The focal point is two numbers (the keyboard's way), set by a click
    on the picture too (``static/media_library/focal-point.js``)."""

    source_url = forms.URLField(label="Source URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Image
        fields = [
            "file",
            "alt_text",
            "caption",
            "credit",
            "copyright_holder",
            "licence",
            "usage_terms",
            "source_url",
            "licence_expires",
            "tags",
            "focal_x",
            "focal_y",
        ]
        widgets = {
            "alt_text": forms.TextInput(attrs={"size": 80}),
            "caption": forms.Textarea(attrs={"rows": 2}),
            "usage_terms": forms.Textarea(attrs={"rows": 3}),
            "licence_expires": forms.DateInput(attrs={"type": "date"}),
            "focal_x": FOCAL_WIDGET,
            "focal_y": FOCAL_WIDGET,
        }


class UploadForm(forms.ModelForm):
    """One file of a batch upload, with what every picture must have from the start: its alt text."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "copyright_holder", "licence"]
