from django import forms
from django.core.exceptions import ValidationError


def add_action_error(form: forms.Form, error: ValidationError) -> None:
    """Put an action's error on the form: on the field it names when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)
