from django.urls import path

from incidents.osha import views

app_name = "osha"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:establishment_id>/<int:year>/300.pdf", views.log_pdf, name="log-pdf"),
    path("<int:establishment_id>/<int:year>/300.csv", views.log_csv, name="log-csv"),
    path("<int:establishment_id>/<int:year>/300a.pdf", views.summary_pdf, name="summary-pdf"),
    path(
        "<int:establishment_id>/<int:year>/ita-summary.csv",
        views.ita_summary_csv,
        name="ita-summary-csv",
    ),
    path(
        "<int:establishment_id>/<int:year>/ita-cases.csv", views.ita_cases_csv, name="ita-cases-csv"
    ),
    path("case/<str:reference>/301.pdf", views.case_pdf, name="case-pdf"),
]
