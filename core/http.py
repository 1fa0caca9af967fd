from django.utils.http import urlencode


def with_next(url: str, next_url: str) -> str:
    """`url` with a properly encoded ?next= to come back to after it."""
    return f"{url}?{urlencode({'next': next_url})}"
