"""The form behind the pages that take a CSV file (payroll hours, claims), and the page that
shows one import."""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from riskcabinet.models import DataImport, ImportKind


class CsvFileForm(forms.Form):
    """One file, refused above `max_bytes` with its size in the message.

    A page's form sets the field's label and help, and its own limit. What is in the file is
    checked by the import itself, which names the line of each problem.
    """

    max_bytes = 5 * 1024 * 1024
    file = forms.FileField()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; at most "
                f"{self.max_bytes // 1024 // 1024} MB is accepted."
            )
        return upload


def import_detail_render(
    request: HttpRequest, *, kind: ImportKind, pk: int, back: str, back_label: str
) -> HttpResponse:
    """One import of `kind` (404 for another kind), under a link back to the page `back`."""
    records = DataImport.objects.filter(kind=kind).select_related("imported_by")
    context = {
        "record": get_object_or_404(records, pk=pk),
        "back_url": reverse(back),
        "back_label": back_label,
    }
    return render(request, "riskcabinet/import_detail.html", context)
