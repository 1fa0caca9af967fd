from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from groups.models import UNIT_GROUP_KINDS, CommunityGroup, GroupKind, Organisation
from groups.queries import organisations_for
from people.models import Person
from places.models import Tier, Unit
from steering.models import TargetLevel
from steering.periodic import PERIOD_KINDS

THEMATIC_KINDS = [kind for kind in GroupKind if kind not in UNIT_GROUP_KINDS and kind != GroupKind.OTHER]
LEVEL_OF_UNIT_KIND = {
    GroupKind.RESIDENTIAL_GROUP: TargetLevel.RESIDENTIAL_GROUP,
    GroupKind.HAMLET: TargetLevel.HAMLET,
    GroupKind.COMMUNE: TargetLevel.COMMUNE,
}


def requirement_choices(unit: Unit) -> list[tuple[str, str]]:
    """The (level, kind) pairs a directive of this unit may order, as "level:kind" values."""
    pairs = [(level, kind) for kind, level in LEVEL_OF_UNIT_KIND.items()]
    pairs += [(TargetLevel.COMMUNE, kind) for kind in THEMATIC_KINDS]
    pairs += [(TargetLevel.HAMLET, kind) for kind in (GroupKind.PATROL, GroupKind.CIVIL_DEFENCE)]
    return [
        (f"{level.value}:{kind.value}", f"{level.label} — {kind.label}")
        for level, kind in sorted(pairs, key=lambda pair: -pair[0].value)
        if level.value >= unit.tier
    ]


class DirectiveForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    reference = forms.CharField(label=_("Reference"), max_length=80, required=False, help_text=_("e.g. 123/KH-BCĐ"))
    deadline = forms.DateField(label=_("Deadline"), widget=forms.DateInput(attrs={"type": "date"}))
    requirements = forms.MultipleChoiceField(
        label=_("Every unit must have a group"), choices=[], widget=forms.CheckboxSelectMultiple
    )
    grace_days = forms.IntegerField(
        label=_("Days allowed for units created later"), min_value=0, max_value=365, initial=30
    )
    body = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["requirements"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = requirement_choices(unit)
        self.fields["deadline"].initial = timezone.localdate().replace(month=12, day=31)

    def requirement_pairs(self) -> list[tuple[int, str]]:
        return [(int(value.split(":")[0]), value.split(":")[1]) for value in self.cleaned_data["requirements"]]


def organisation_label(organisation: Organisation) -> str:
    return f"{organisation.name} · {organisation.unit.name}"


class ResponsibilityForm(forms.Form):
    person = forms.ModelChoiceField(
        label=_("Steering committee member or officer"),
        queryset=Person.objects.none(),
        empty_label=_("Choose a person"),
        required=False,
    )
    organisation = forms.ModelChoiceField(
        label=_("or an organisation"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        required=False,
        help_text=_("Its contact person sees the responsibility and is reminded."),
    )
    target = forms.ChoiceField(label=_("Responsible for"), choices=[])
    duty = forms.CharField(label=_("Duty"), max_length=200, required=False)

    def __init__(self, *args, unit: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        officers = Person.objects.filter(mandates__unit__code__in=unit.ancestor_codes()) | Person.objects.filter(
            mandates__unit__path__startswith=unit.path
        )
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ModelChoiceField)
        person_field.queryset = officers.filter(is_active=True).distinct().order_by("full_name")
        organisation_field = self.fields["organisation"]
        assert isinstance(organisation_field, forms.ModelChoiceField)
        organisation_field.queryset = organisations_for(unit)
        organisation_field.label_from_instance = organisation_label  # type: ignore[method-assign,assignment]
        # A province assigns communes; a commune its hamlets and groups (a province has thousands of those).
        deepest = Tier.COMMUNE if unit.tier < Tier.COMMUNE else Tier.HAMLET
        units = Unit.objects.filter(path__startswith=unit.path, tier__lte=deepest).order_by("path")
        groups = CommunityGroup.objects.filter(unit__path__startswith=unit.path, is_active=True).order_by("name")
        if unit.tier < Tier.COMMUNE:
            groups = groups.none()
        target_field = self.fields["target"]
        assert isinstance(target_field, forms.ChoiceField)
        target_field.choices = [
            (str(_("Units")), [(f"unit:{u.pk}", u.name) for u in units]),
            (str(_("Groups")), [(f"group:{g.pk}", g.name) for g in groups]),
        ]

    def clean(self):
        data = super().clean() or {}
        if bool(data.get("person")) == bool(data.get("organisation")):
            raise forms.ValidationError(_("Choose a person or an organisation."), code="assignee")
        return data

    def target_objects(self) -> dict:
        kind, pk = self.cleaned_data["target"].split(":")
        if kind == "unit":
            return {"unit": Unit.objects.get(pk=pk)}
        return {"group": CommunityGroup.objects.get(pk=pk)}


class PeriodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Period"), choices=list(PERIOD_KINDS.items()), initial="month")
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.IntegerField(
        label=_("Month or quarter"), min_value=1, max_value=12, required=False, help_text=_("Leave empty for a year.")
    )
    # The document's own parts (Decree 30/2020/NĐ-CP); left empty, each takes its default.
    doc_number = forms.CharField(
        label=_("Document number"),
        max_length=10,
        required=False,
        help_text=_("Leave empty for the clerk to number it on issue."),
    )
    issuing_body = forms.CharField(label=_("Issuing body"), max_length=200, required=False)
    signer_title = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=150, required=False)
    recipients = forms.CharField(
        label=pgettext_lazy("official document", "Recipients"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )

    def letterhead_overrides(self) -> dict:
        data = self.cleaned_data
        recipients = [line.strip(" -;.") for line in data.get("recipients", "").splitlines()]
        return {
            "number": data.get("doc_number", "").strip(),
            "issuing_body": data.get("issuing_body", "").strip(),
            "signer_title": data.get("signer_title", "").strip(),
            "signer_name": data.get("signer_name", "").strip(),
            "recipients": [line for line in recipients if line],
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        self.fields["number"].initial = today.month
