from people.permissions import is_officer


def navigation(request):
    person = getattr(request, "user", None)
    return {"is_officer": bool(person and person.is_authenticated and is_officer(person))}
