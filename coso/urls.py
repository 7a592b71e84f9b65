"""Top-level URLs: pages, the API under /api/v1/, health checks, and language switching."""

from django.urls import include, path

from core import basemap, import_views, notification_views
from core import views as core_views
from coso.api import api

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.urls")),
    path("org/", include("org.urls")),
    path("calendar/", include("core.urls")),
    path("followup/", include("followup.urls")),
    path("incidents/", include("incidents.urls")),
    path("investment/", include("investment.urls")),
    path("fieldwork/", include("fieldwork.urls")),
    path("reports/", include("reports.urls")),
    path("basemap/basemap.pmtiles", basemap.pmtiles_archive, name="basemap_pmtiles"),
    path("history/<id:ct>/<id:pk>/", core_views.history, name="history"),
    path("notifications/", notification_views.notifications, name="notifications"),
    path("imports/<id:pk>/", import_views.ImportJobView.as_view(), name="import_job"),
    path("api/v1/", api.urls),
]

handler403 = "core.views.error_403"
handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
