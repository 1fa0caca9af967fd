from django.contrib import admin

from coverage.models import UnitImport


@admin.register(UnitImport)
class UnitImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "commune", "status", "created_count", "uploaded_by", "created_at"]
    list_filter = ["status"]
    readonly_fields = [
        "commune",
        "uploaded_by",
        "filename",
        "status",
        "created_count",
        "errors",
        "created_at",
        "finished_at",
    ]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False
