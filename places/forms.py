from django import forms
from django.utils.translation import gettext_lazy as _

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
