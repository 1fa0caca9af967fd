from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from places.models import Unit


class ChildInline(admin.TabularInline):
    model = Unit
    fk_name = "parent"
    fields = ["code", "name", "kind", "official"]
    readonly_fields = ["official"]
    extra = 0
    show_change_link = True


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "tier", "parent", "official"]
    list_filter = ["tier", "kind", "official"]
    search_fields = ["name", "search_name", "code"]
    autocomplete_fields = ["parent", "neighbours"]
    readonly_fields = ["path", "tier", "official", "created_at", "updated_at"]
    inlines = [ChildInline]
    list_select_related = ["parent"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.official:
            fields += ["code", "name", "kind", "parent"]
        return fields

    def save_model(self, request, obj, form, change):
        if not obj.code and obj.parent:
            from places.actions import next_child_code

            obj.code = next_child_code(obj.parent)
        if change and "parent" in form.changed_data:
            from places.actions import move_subtree

            move_subtree(obj, obj.parent)
            messages.info(request, _("The unit and everything under it were moved."))
            return
        super().save_model(request, obj, form, change)
