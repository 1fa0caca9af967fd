from django.contrib.auth.backends import BaseBackend

from people.models import Person


class PhoneCodeBackend(BaseBackend):
    """Signs in a person whose phone code was already checked by people.actions.check_signin_code."""

    def authenticate(self, request, *, verified_person: Person | None = None, **kwargs):
        if verified_person is not None and verified_person.is_active:
            return verified_person
        return None

    def get_user(self, user_id):
        return Person.objects.filter(pk=user_id, is_active=True).first()
