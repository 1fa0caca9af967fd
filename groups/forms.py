from django import forms
from django.utils.translation import gettext_lazy as _

from groups.models import GroupKind, GroupRole, OrganisationKind


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


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200, help_text=_("e.g. Hội Liên hiệp Phụ nữ xã Cầu Khởi"))
    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    contact_name = forms.CharField(label=_("Contact person's name"), max_length=150, required=False)
    contact_phone = forms.CharField(
        label=_("Contact person's phone"),
        max_length=20,
        required=False,
        help_text=_("A resident or officer of the unit who uses Cảnh Giác is linked by their number."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
