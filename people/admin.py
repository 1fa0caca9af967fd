from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from people.actions import check_end_sessions
from people.models import Household, Mandate, Person, SigninCode


class MemberInline(admin.TabularInline):
    model = Person
    fk_name = "household"
    fields = ["full_name", "phone", "has_smartphone", "relay"]
    raw_id_fields = ["relay"]
    extra = 0
    show_change_link = True


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ["address", "residential_group", "registered_at"]
    search_fields = ["address", "members__full_name", "members__phone"]
    list_filter = ["residential_group__parent"]
    autocomplete_fields = ["residential_group"]
    raw_id_fields = ["registered_by"]
    inlines = [MemberInline]


class MandateInline(admin.TabularInline):
    model = Mandate
    fk_name = "person"
    autocomplete_fields = ["unit"]
    fields = ["role", "unit", "title"]
    extra = 0


@admin.register(Person)
class PersonAdmin(UserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "phone", "household", "has_smartphone", "is_staff", "is_active"]
    list_filter = ["has_smartphone", "is_staff", "is_active", "mandates__role"]
    search_fields = ["full_name", "search_name", "phone"]
    raw_id_fields = ["household", "relay"]
    inlines = [MandateInline]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["phone", "full_name", "language", "password"]}),
        (_("Household"), {"fields": ["household", "has_smartphone", "relay"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["phone", "full_name", "password1", "password2"]})]
    actions = ["end_sessions"]

    @admin.action(description=_("End all sessions (sign out everywhere)"))
    def end_sessions(self, request, queryset):
        for person in queryset:
            check_end_sessions(request.user, person, reason="admin")
        self.message_user(request, _("Signed out everywhere: %(count)d.") % {"count": len(queryset)})


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["person", "role", "unit", "title", "granted_at"]
    list_filter = ["role", "unit__tier"]
    search_fields = ["person__full_name", "person__phone", "unit__name"]
    autocomplete_fields = ["person", "unit"]


@admin.register(SigninCode)
class SigninCodeAdmin(admin.ModelAdmin):
    list_display = ["phone", "created_at", "expires_at", "attempts", "used_at", "requested_ip"]
    search_fields = ["phone"]
    readonly_fields = ["phone", "code_hash", "requested_ip", "created_at", "expires_at", "attempts", "used_at"]

    def has_add_permission(self, request):
        return False
