"""Back-office views of steering records. Directives are issued and withdrawn from the steering
pages, through the actions (audit records included), so here they are read-only."""

from django.contrib import admin

from steering.models import Directive, Reminder, Requirement, Responsibility


class RequirementInline(admin.TabularInline):
    model = Requirement
    fields = ["level", "group_kind"]
    readonly_fields = ["level", "group_kind"]
    extra = 0
    can_delete = False


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "unit", "deadline", "issued_by", "issued_at", "withdrawn_at"]
    search_fields = ["title", "reference", "unit__name"]
    list_select_related = ["unit", "issued_by"]
    inlines = [RequirementInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["person", "unit", "group", "duty", "assigned_at", "ended_at"]
    search_fields = ["person__full_name", "unit__name", "group__name", "duty"]
    list_select_related = ["person", "unit", "group"]
    raw_id_fields = ["person", "unit", "group", "assigned_by"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["subject", "recipient", "created_at", "read_at"]
    search_fields = ["subject", "recipient__full_name"]
    list_select_related = ["recipient"]
    raw_id_fields = ["recipient"]
