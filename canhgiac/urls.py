from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django_otp.admin import OTPAdminSite

# Back-office staff pass the same authenticator check as officers (docs/signin.md).
admin.site.__class__ = OTPAdminSite
admin.site.site_header = "Cảnh Giác"
admin.site.site_title = "Cảnh Giác"

urlpatterns: list = [
    path("", include("core.urls")),
    path("", include("people.urls")),
    path("groups/", include("groups.urls")),
    path("", include("coverage.urls")),
    path("inbox/", include("delivery.urls")),
    path("bulletins/", include("bulletins.urls")),
    path("reports/", include("reports.urls")),
    path("duty/", include("duty.urls")),
    path("open311/", include("open311.urls")),
    path("api/", include("api.urls")),
    path("steering/", include("steering.urls")),
    path("", include("channels.urls")),
    path("", include("privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Error pages in the person's language, without the database (core/error_views.py).
handler400 = "core.error_views.bad_request"
handler403 = "core.error_views.permission_denied"
handler404 = "core.error_views.page_not_found"
handler500 = "core.error_views.server_error"
