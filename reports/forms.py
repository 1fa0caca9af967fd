"""Forms parse input into the actions' arguments; the rules themselves live in actions."""

import uuid
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from groups.models import CommunityGroup, GroupKind, MembershipStatus
from people.forms import PhoneField
from people.models import MandateRole, Person
from people.permissions import mandate_paths
from places.models import Tier, Unit
from reports.actions.intake import Submission, new_secret
from reports.categories import BY_CODE, CATEGORIES, Kind
from reports.models import IntakeChannel, Visibility
from reports.permissions import assignable_police
from reports.workflow import Status


def set_choices(field: Any, choices: list) -> None:
    field.choices = choices


def category_optgroups() -> list:
    groups = []
    for kind, label in Kind.choices:
        groups.append((label, [(c.code, c.name) for c in CATEGORIES if c.kind == kind]))
    return groups


def unit_choices_for(person: Person | None) -> list:
    """Where it happened: the units of the person's communes (memberships, household, mandates);
    for a signed-out visitor, every commune that has groups."""
    commune_paths: set[str] = set()
    if person is not None and person.is_authenticated:
        units = [
            m.group.unit
            for m in person.memberships.filter(status=MembershipStatus.ACTIVE).select_related("group__unit")
        ]
        if person.household is not None:
            units.append(person.household.residential_group)
        for unit in units:
            commune = unit if unit.tier == Tier.COMMUNE else unit.commune()
            if commune:
                commune_paths.add(commune.path)
        commune_paths.update(p for p in mandate_paths(person, {MandateRole.POLICE}))
    if not commune_paths:
        communes = Unit.objects.filter(tier=Tier.COMMUNE, children__isnull=False).distinct()
        commune_paths = {c.path for c in communes}
    query = Q(pk__in=[])
    for path in commune_paths:
        query |= Q(path__startswith=path)
    rows = Unit.objects.filter(query, tier__gte=Tier.COMMUNE).order_by("path")
    choices: list = []
    current: list = []
    current_label = None
    hamlet_name = ""
    for unit in rows:
        if unit.tier == Tier.COMMUNE:
            if current_label:
                choices.append((current_label, current))
            current_label, current = unit.name, [(unit.code, unit.name)]
        elif unit.tier == Tier.HAMLET:
            hamlet_name = unit.name
            current.append((unit.code, f"\u00a0\u00a0{unit.name}"))
        else:
            label = unit.name if hamlet_name.lower() in unit.name.lower() else f"{unit.name}, {hamlet_name}"
            current.append((unit.code, f"\u00a0\u00a0\u00a0\u00a0{label}"))
    if current_label:
        choices.append((current_label, current))
    return choices


def default_unit_code(person: Person | None) -> str:
    if person is not None and person.is_authenticated and person.household is not None:
        return person.household.residential_group.code
    return ""


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("What is it about?"))
    visibility = forms.ChoiceField(
        label=_("How do you want to appear?"), choices=Visibility.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What happened?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Facts: what you saw or know, and when."),
    )
    behaviour = forms.CharField(
        label=_("What did the person do?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "For suspicious activity: describe behaviour and circumstances (what they did, where, when, a "
            "vehicle plate), not appearance."
        ),
    )
    unit = forms.ChoiceField(label=_("Where?"))
    place_text = forms.CharField(label=_("Where exactly (optional)"), required=False, max_length=300)
    latitude = forms.CharField(required=False, widget=forms.HiddenInput)
    longitude = forms.CharField(required=False, widget=forms.HiddenInput)
    occurred_at = forms.DateTimeField(
        label=_("When (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    on_behalf_of = forms.ChoiceField(label=_("Who is reporting?"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), required=False, max_length=150)
    reporter_phone = PhoneField(label=_("Reporter's phone"), required=False)
    reporter_contact = forms.CharField(label=_("Reporter's address"), required=False, max_length=300)
    intake_channel = forms.ChoiceField(
        label=_("How did they report?"),
        required=False,
        choices=[
            (IntakeChannel.WALK_IN, IntakeChannel.WALK_IN.label),
            (IntakeChannel.PHONE, IntakeChannel.PHONE.label),
        ],
    )
    confirm_warnings = forms.BooleanField(label=_("I checked the text: file it as it is"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    secret = forms.CharField(widget=forms.HiddenInput, max_length=40, required=False)

    def __init__(self, *args, person: Person | None = None, officer_entry: bool = False, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.person, self.officer_entry = person, officer_entry
        set_choices(self.fields["category"], [("", "—"), *category_optgroups()])
        set_choices(self.fields["unit"], [("", "—"), *unit_choices_for(person)])
        signed_in = person is not None and person.is_authenticated
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
            self.initial.setdefault("secret", new_secret())
            self.initial.setdefault("unit", default_unit_code(person))
            self.initial.setdefault("visibility", Visibility.CONFIDENTIAL if signed_in else Visibility.ANONYMOUS)
        if not signed_in:
            set_choices(self.fields["visibility"], [(Visibility.ANONYMOUS, Visibility.ANONYMOUS.label)])
            self.initial["visibility"] = Visibility.ANONYMOUS
        elders = list(person.relayed_for.all()) if person is not None and signed_in else []
        if elders and not officer_entry:
            set_choices(self.fields["on_behalf_of"], [("", _("Myself")), *((str(p.pk), p.full_name) for p in elders)])
        else:
            del self.fields["on_behalf_of"]
        if not officer_entry:
            for name in ("reporter_name", "reporter_phone", "reporter_contact", "intake_channel"):
                del self.fields[name]
        else:
            self.initial.setdefault("intake_channel", IntakeChannel.WALK_IN)

    def submission(self, photos) -> Submission:
        data = self.cleaned_data
        category = BY_CODE.get(data["category"])
        on_behalf = data.get("on_behalf_of")
        elder = self.person.relayed_for.filter(pk=on_behalf).first() if on_behalf and self.person else None
        return Submission(
            kind=category.kind if category else "",
            category=data["category"],
            description=data["description"],
            behaviour=data.get("behaviour", ""),
            unit=Unit.objects.filter(code=data["unit"]).first(),
            visibility=data["visibility"],
            place_text=data.get("place_text", ""),
            occurred_at=data.get("occurred_at"),
            latitude=data.get("latitude") or None,
            longitude=data.get("longitude") or None,
            intake_channel=(data.get("intake_channel") or IntakeChannel.WALK_IN)
            if self.officer_entry
            else IntakeChannel.WEB,
            reporter_name=data.get("reporter_name", ""),
            reporter_phone=data.get("reporter_phone", ""),
            reporter_contact=data.get("reporter_contact", ""),
            on_behalf_of=elder,
            confirm_warnings=data.get("confirm_warnings", False),
            idempotency_key=data["idempotency_key"],
            secret=data.get("secret") or None,
            photos=photos,
        )


class FollowForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "CG-XXXX-XXXX"}),
    )
    secret = forms.CharField(
        label=_("Secret"),
        max_length=40,
        widget=forms.PasswordInput(render_value=True, attrs={"autocapitalize": "characters"}),
    )


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("e.g. stolen dog, Phước Hội")}),
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    due = forms.ChoiceField(
        label=_("Deadline"),
        required=False,
        choices=[("", _("Any")), ("overdue", _("Overdue")), ("soon", _("Due within 3 days"))],
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Nobody yet"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self.fields["status"], [("", _("Open")), ("all", _("All")), *Status.choices])
        set_choices(self.fields["category"], [("", _("All")), *category_optgroups()])
        for field in self.fields.values():  # the filters sit in one row without visible labels
            field.widget.attrs.setdefault("aria-label", field.label)


def patrols_for(report) -> list[CommunityGroup]:
    commune = report.unit.commune() if report.unit.tier > Tier.COMMUNE else report.unit
    if commune is None:
        return []
    return list(
        CommunityGroup.objects.filter(kind=GroupKind.PATROL, is_active=True, unit__path__startswith=commune.path)
    )


def officers_for(report) -> list[Person]:
    return list(assignable_police(report).order_by("full_name"))
