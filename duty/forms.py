from django import forms
from django.utils.translation import gettext_lazy as _

from people.models import Person

LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ShiftForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("From"), widget=LOCAL_INPUT, input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("Until"), widget=LOCAL_INPUT, input_formats=["%Y-%m-%dT%H:%M"])
    officer = forms.ModelChoiceField(
        label=_("Officer on duty"), queryset=Person.objects.none(), empty_label=_("Choose an officer")
    )
    backup = forms.ModelChoiceField(
        label=_("Backup"), queryset=Person.objects.none(), required=False, empty_label=_("No backup")
    )

    def __init__(self, *args, police=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("officer", "backup"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = police if police is not None else Person.objects.none()


class ChiefForm(forms.Form):
    chief = forms.ModelChoiceField(
        label=_("Chief"), queryset=Person.objects.none(), required=False, empty_label=_("No chief set")
    )

    def __init__(self, *args, police=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["chief"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = police if police is not None else Person.objects.none()
