from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from bulletins.audience import Audience
from bulletins.models import Category
from bulletins.permissions import PUBLISHING_ROLES
from groups.models import CommunityGroup, GroupKind
from people.models import Person
from people.permissions import managed_units_q
from places.models import Tier, Unit


def publishable_groups(person: Person):
    return CommunityGroup.objects.filter(
        managed_units_q(person, "unit__", PUBLISHING_ROLES), is_active=True
    ).select_related("unit")


def publishable_units(person: Person):
    return Unit.objects.filter(managed_units_q(person, "", PUBLISHING_ROLES), tier__lte=Tier.HAMLET)


def neighbour_choices(person: Person):
    communes = Unit.objects.filter(managed_units_q(person, "", PUBLISHING_ROLES), tier=Tier.COMMUNE)
    return Unit.objects.filter(neighbours__in=communes).exclude(pk__in=communes).distinct().order_by("name")


class AudienceForm(forms.Form):
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"), queryset=CommunityGroup.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    unit = forms.ModelChoiceField(
        label=_("Every group of a unit"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("— none —"),
        help_text=_("The unit and everything inside it."),
    )
    kinds = forms.MultipleChoiceField(
        label=_("Only groups of these kinds"),
        choices=GroupKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every kind."),
    )
    neighbours = forms.ModelMultipleChoiceField(
        label=_("Also neighbouring communes"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, person: Person, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = publishable_groups(person)  # type: ignore[attr-defined]
        self.fields["unit"].queryset = publishable_units(person)  # type: ignore[attr-defined]
        self.fields["neighbours"].queryset = neighbour_choices(person)  # type: ignore[attr-defined]

    def audience(self) -> Audience:
        data = self.cleaned_data
        return Audience(
            groups=list(data.get("groups") or []),
            unit=data.get("unit"),
            kinds=list(data.get("kinds") or []),
            neighbours=list(data.get("neighbours") or []),
        )


class BulletinForm(AudienceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 10, "data-rich": "1", "data-link-text": _("Link")}),
        help_text=_("Bold, italics, lists and links are kept; the rest is removed."),
    )
    category = forms.ChoiceField(
        label=_("Topic"),
        choices=[("", _("Choose a topic…")), *Category.choices],
        error_messages={"required": _("Choose the bulletin's topic.")},
    )
    urgent = forms.BooleanField(label=_("Urgent alert (sent before other news, even at night)"), required=False)
    publish_at = forms.DateTimeField(
        label=_("Publish later"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish now."),
    )
    template = forms.IntegerField(required=False, widget=forms.HiddenInput)

    field_order = ["title", "body", "category", "urgent", "groups", "unit", "kinds", "neighbours", "publish_at"]

    def clean_publish_at(self):
        value = self.cleaned_data.get("publish_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ReshareForm(AudienceForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    note = forms.CharField(
        label=_("Note from the steering committee"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


PHOTO_WIDGET = forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp", "capture": "environment"})


class PostForm(forms.Form):
    text = forms.CharField(
        label=_("What did you see?"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, widget=PHOTO_WIDGET, help_text=_("Optional. Where it was taken is removed.")
    )


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    photo = forms.FileField(
        label=_("Photo"), required=False, widget=PHOTO_WIDGET, help_text=_("Optional. Where it was taken is removed.")
    )


class ModerationForm(forms.Form):
    moderation = forms.ChoiceField(
        choices=[("hidden", _("Hide")), ("removed", pgettext_lazy("moderation", "Remove")), ("", _("Show again"))],
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
    reply = forms.IntegerField(required=False)


class MuteForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("How long"),
        coerce=int,
        choices=[(1, _("1 day")), (3, _("3 days")), (7, _("7 days")), (30, _("30 days"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)


def visible_template_q(person: Person) -> Q:
    return Q(unit__isnull=True) | Q(managed_units_q(person, "unit__", PUBLISHING_ROLES))
