"""The form behind the pages that take a CSV file (payroll hours, claims)."""

from django import forms


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
