from django.urls import path

from incidents import claims_views, triage_views

app_name = "triage"

urlpatterns = [
    path("", triage_views.queue, name="queue"),
    path("export.csv", triage_views.export_csv, name="export"),
    path("assign/", triage_views.bulk_assign, name="bulk-assign"),
    path("actions/overdue/", triage_views.actions_overdue, name="actions-overdue"),
    path("oiics/<str:family>/", triage_views.oiics_lookup, name="oiics-search"),
    path("claims/", claims_views.claims, name="claims"),
    path("claims/imports/<int:pk>/", claims_views.claims_import_detail, name="claims-import"),
    path("claims/<int:pk>/link/", claims_views.claim_link_view, name="claim-link"),
    path("claims/<int:pk>/open-case/", claims_views.claim_case_open_view, name="claim-case-open"),
    path("<str:reference>/", triage_views.case, name="case"),
    path("<str:reference>/history/", triage_views.case_history, name="case-history"),
    path("<str:reference>/classify/", triage_views.classify, name="case-classify"),
    path("<str:reference>/recordability/", triage_views.recordability, name="case-recordability"),
    path("<str:reference>/injured/", triage_views.injured, name="case-injured"),
    path("<str:reference>/privacy/", triage_views.privacy, name="case-privacy"),
    path("<str:reference>/form-301/", triage_views.form_301, name="case-form-301"),
    path("<str:reference>/codes/", triage_views.codes, name="case-codes"),
    path("<str:reference>/codes/accept/", triage_views.code_accept, name="case-code-accept"),
    path("<str:reference>/assign/", triage_views.assign, name="case-assign"),
    path("<str:reference>/status/", triage_views.status_change, name="case-status"),
    path("<str:reference>/notes/", triage_views.note_add, name="case-note-add"),
    path("<str:reference>/investigation/", triage_views.investigation, name="case-investigation"),
    path("<str:reference>/actions/", triage_views.action_add, name="case-action-add"),
    path(
        "<str:reference>/actions/<int:pk>/change/",
        triage_views.action_change,
        name="case-action-change",
    ),
    path(
        "<str:reference>/actions/<int:pk>/status/",
        triage_views.action_status,
        name="case-action-status",
    ),
    path(
        "<str:reference>/clocks/<int:pk>/complete/",
        triage_views.clock_done,
        name="case-clock-complete",
    ),
    path("<str:reference>/merge/", triage_views.merge, name="case-merge"),
    path(
        "<str:reference>/duplicate/dismiss/",
        triage_views.duplicate_dismiss,
        name="case-duplicate-dismiss",
    ),
]
