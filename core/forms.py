from django import forms


def form_errors_text(form: forms.BaseForm) -> str:
    """All of a form's errors as one line, for a flash message after a redirect."""
    return " ".join(str(message) for errors in form.errors.values() for message in errors)
