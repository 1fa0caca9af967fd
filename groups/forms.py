from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import GroupKind, GroupRole


class InviteForm(forms.Form):
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=90, initial=7)
    max_uses = forms.IntegerField(label=_("Maximum uses"), min_value=1, max_value=1000, initial=50)


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Group name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=GroupKind.choices)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=GroupRole.choices)


class JoinRequestForm(forms.Form):
    message = forms.CharField(label=_("Message to the group leader"), required=False, max_length=300)
