from django import forms
from django.utils.translation import gettext_lazy as _

from people.phones import normalize_phone


class PhoneField(forms.CharField):
    """A Vietnamese phone number as people type it, cleaned to E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone number"))
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "placeholder": "0987 654 321"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value and not self.required:
            return ""
        return normalize_phone(value)


class PhoneForm(forms.Form):
    phone = PhoneField()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9 ]*"}),
    )


class OfficerVerifyForm(forms.Form):
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    token = forms.CharField(
        label=_("Authenticator code"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class OfficerSetupForm(forms.Form):
    password = forms.CharField(
        label=_("Choose a password"), min_length=10, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    token = forms.CharField(
        label=_("Code shown by your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(label=_("Language"), choices=[("vi", "Tiếng Việt"), ("en", "English")])


class ConsentField(forms.BooleanField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("I have read the privacy notice and agree to my data being processed as it says."))
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)


def profile_form(data, *, person, ask_consent: bool) -> ProfileForm:
    form = ProfileForm(data, initial={"full_name": person.full_name, "language": person.language})
    if ask_consent:
        form.fields["consent"] = ConsentField()
    return form
