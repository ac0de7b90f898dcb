from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from riskcabinet import views

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", views.SignOut.as_view(), name="logout"),
    path("language/", views.language_set, name="set-language"),
    path("", include("incidents.urls")),
    path("triage/", include("incidents.triage_urls")),
    path("osha/", include("incidents.osha.urls")),
    path("cabinet/", include("riskcabinet.cabinet_urls")),
    path("cabinet/packets/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler500 = "riskcabinet.views.server_error"
