from django.contrib import admin

from groups.models import CommunityGroup, Invite, JoinRequest, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "group"
    fields = ["person", "role", "status", "joined_at"]
    raw_id_fields = ["person"]
    extra = 0


class InviteInline(admin.TabularInline):
    model = Invite
    fields = ["token", "expires_at", "max_uses", "uses", "revoked_at"]
    readonly_fields = ["token", "uses"]
    extra = 0


@admin.register(CommunityGroup)
class CommunityGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "unit", "is_active", "created_at"]
    list_filter = ["kind", "is_active", "unit__tier"]
    search_fields = ["name", "unit__name", "unit__code"]
    autocomplete_fields = ["unit"]
    raw_id_fields = ["created_by"]
    inlines = [MembershipInline, InviteInline]
    list_select_related = ["unit"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "role", "status", "joined_at"]
    list_filter = ["role", "status", "group__kind"]
    search_fields = ["person__full_name", "person__phone", "group__name"]
    raw_id_fields = ["person", "group", "added_by"]
    list_select_related = ["person", "group"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    raw_id_fields = ["person", "group", "decided_by"]
