from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from people.forms import PhoneField
from people.models import ConsentMethod
from places.models import UnitKind


class ChildUnitForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=[])
    code = forms.CharField(label=_("Code (optional)"), max_length=40, required=False)

    def __init__(self, *args, kinds: list[UnitKind], **kwargs):
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [(kind.value, kind.label) for kind in kinds]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class HouseholdForm(forms.Form):
    address = forms.CharField(label=_("Address"), max_length=300)


class MemberForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    phone = PhoneField(required=False, help_text=_("Leave empty for a member without a phone."))
    has_smartphone = forms.BooleanField(label=_("Uses a smartphone"), required=False, initial=True)
    enroll = forms.BooleanField(label=_("Add to the residential group's group"), required=False, initial=True)
    consent_method = forms.ChoiceField(
        label=_("Agreement to the privacy notice"),
        required=False,
        choices=[
            ("", _("Not asked yet")),
            (ConsentMethod.PAPER, ConsentMethod.PAPER.label),
            (ConsentMethod.SPOKEN, ConsentMethod.SPOKEN.label),
        ],
        help_text=_("Read the notice at /privacy/ with them; record how they agreed."),
    )

    def clean(self):
        data = super().clean()
        assert data is not None  # Form.clean returns cleaned_data
        if data.get("has_smartphone") and not data.get("phone"):
            raise ValidationError(_("A member with a smartphone needs a phone number."))
        return data
