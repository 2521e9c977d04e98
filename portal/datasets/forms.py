"""Dataset forms: the upload (page and start request) and the accuracy comparison."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from portal.core.forms import name_field
from portal.datasets.files import (
    CSV_HEAD_BYTES,
    IMAGES_HEAD_BYTES,
    LABELS_HEAD_BYTES,
    MAX_FILE_BYTES,
    FileProblem,
    check_csv,
    check_images,
    check_labels,
)

KIND_CHOICES = [
    ("mnist", "MNIST: an idx images file and its idx labels file"),
    ("csv", "CSV: one text file with a header line"),
]
#: The files each kind needs, by form field.
KIND_FILES = {"mnist": ("images", "labels"), "csv": ("csv",)}
HEAD_BYTES = {"images": IMAGES_HEAD_BYTES, "labels": LABELS_HEAD_BYTES, "csv": CSV_HEAD_BYTES}
#: The browser sends the first bytes of an empty file as an empty file.
FILE_ERRORS = {"empty": "The file is empty."}


class DatasetUploadForm(forms.Form):
    """What the upload page asks for: the kind of dataset, its name and its file(s)."""

    kind = forms.ChoiceField(
        label="Type of dataset", choices=KIND_CHOICES, initial="mnist", widget=forms.RadioSelect
    )
    name = name_field(label="Name")
    images = forms.FileField(
        label="Images file",
        required=False,
        error_messages=FILE_ERRORS,
        help_text="idx images (magic number 2051), e.g. t10k-images-idx3-ubyte.",
    )
    labels = forms.FileField(
        label="Labels file",
        required=False,
        error_messages=FILE_ERRORS,
        help_text="idx labels (magic number 2049), one per image, e.g. t10k-labels-idx1-ubyte.",
    )
    csv = forms.FileField(
        label="CSV file",
        required=False,
        error_messages=FILE_ERRORS,
        help_text="A header line of column names, then one row of numbers per line.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


class UploadStartForm(DatasetUploadForm):
    """The start request of a browser upload: the first bytes of each file and its full size."""

    images_size = forms.IntegerField(required=False, min_value=0, max_value=MAX_FILE_BYTES)
    labels_size = forms.IntegerField(required=False, min_value=0, max_value=MAX_FILE_BYTES)
    csv_size = forms.IntegerField(required=False, min_value=0, max_value=MAX_FILE_BYTES)

    def head(self, field: str) -> bytes:
        """The first bytes of a file as the browser sent them (no more than the check reads)."""
        upload = self.cleaned_data.get(field)
        return upload.read(HEAD_BYTES[field]) if upload else b""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind is None:
            return cleaned
        for field in KIND_FILES[kind]:
            missing = cleaned.get(field) is None or cleaned.get(f"{field}_size") is None
            if missing and field not in self.errors:
                self.add_error(field, "Choose a file.")
        if self.errors:
            return cleaned
        if kind == "csv":
            self._check("csv", check_csv, self.head("csv"), cleaned["csv_size"])
            return cleaned
        header = self._check("images", check_images, self.head("images"), cleaned["images_size"])
        count = header.count if header else None
        self._check("labels", check_labels, self.head("labels"), cleaned["labels_size"], count)
        return cleaned

    def _check(self, field: str, check: Callable[..., Any], *args: Any) -> Any:
        """Run one file check; its problem becomes an error of the field."""
        try:
            return check(*args)
        except FileProblem as problem:
            self.add_error(field, str(problem))
            return None

    def sizes(self) -> tuple[int, int]:
        """The byte sizes of the input file and the label file (0 for CSV)."""
        data = self.cleaned_data
        if data["kind"] == "csv":
            return data["csv_size"], 0
        return data["images_size"], data["labels_size"]


class AccuracyForm(forms.Form):
    """Two datasets to compare: the result of a network and a labelled reference."""

    result = forms.ChoiceField(
        label="Result dataset",
        help_text="Its first ten columns are the scores of the digits 0 to 9 for each row.",
    )
    reference = forms.ChoiceField(
        label="Labelled reference",
        help_text="An MNIST dataset: its label column says which digit each row is.",
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        options = [("", "Choose a dataset…"), *choices]
        self.fields["result"].choices = options
        self.fields["reference"].choices = options
