from datetime import date

from django.urls import path, register_converter

from reports import views


class MonthConverter:
    """A month in a URL, written YYYY-MM; anything else is a 404."""

    regex = r"\d{4}-(?:0[1-9]|1[0-2])"

    def to_python(self, value: str) -> date:
        return date(int(value[:4]), int(value[5:]), 1)

    def to_url(self, value: date | str) -> str:
        return value if isinstance(value, str) else f"{value.year:04d}-{value.month:02d}"


register_converter(MonthConverter, "month")

app_name = "reports"

urlpatterns = [
    path("", views.packet_list, name="packet-list"),
    path("build/", views.packet_build, name="packet-build"),
    path("<month:month>/", views.packet_detail, name="packet-detail"),
    path("<month:month>/download/", views.packet_download, name="packet-download"),
]
