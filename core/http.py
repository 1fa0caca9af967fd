from ipaddress import ip_address, ip_network

from django.utils.http import urlencode


def with_next(url: str, next_url: str) -> str:
    """`url` with a properly encoded ?next= to come back to after it."""
    return f"{url}?{urlencode({'next': next_url})}"


def client_network(ip: str | None) -> str:
    """The /24 of an IPv4 address, the /64 of an IPv6 one ("" for none): the neighbourhood of
    addresses one household, building or attacker's machine usually holds, so a limit per
    address is not dodged by stepping to the next one."""
    if not ip:
        return ""
    try:
        address = ip_address(ip)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 64
    return str(ip_network(f"{address}/{prefix}", strict=False))
