"""Every route here is either on the explicit public list in accounts/public_routes.py or
refuses the anonymous user; a test walks this URLconf to keep it so."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.language_views import set_language
from config.views import health

urlpatterns = [
    path("health/", health, name="health"),
    # Django's i18n route, saving a signed-in user's choice as their language too.
    path("i18n/setlang/", set_language, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("casework.api.urls")),
    path("api/engine/", include("engine.api_urls")),
    path("api/advocacy/", include("advocacy.api_urls")),
    path("api/", include("documents.api_urls")),
    path("imports/", include("casework.import_urls")),
    path("engine/", include("engine.urls")),
    path("advocacy/", include("advocacy.urls")),
    path("documents/", include("documents.urls")),
    path("evidence/", include("evidence.urls")),
    path("api-tokens/", include("accounts.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("", include("casework.urls")),
]

handler500 = "config.views.server_error"

if settings.DEBUG:  # pragma: no cover - development only
    pass
