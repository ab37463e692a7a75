"""The client's address: one answer for the login lockout (django-axes), the audit log
(django-auditlog) and every other place that records where a request came from.

`X-Forwarded-For` is believed only as far as it was written by proxies listed in
`DANGBO_TRUSTED_PROXIES` (addresses or networks; empty by default, then the address is the TCP
peer's, REMOTE_ADDR). Each proxy appends the address it received the request from, so the
header is read from the right: skip the trusted proxies, and the first address that is not
one is the client. Whatever a client wrote further left is never read.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core import checks

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            continue  # reported by the system check below
    return tuple(networks)


def trusted_networks() -> tuple[Network, ...]:
    return _networks(tuple(getattr(settings, "DANGBO_TRUSTED_PROXIES", ()) or ()))


def parse_address(text: str) -> str | None:
    """An address as written in a header or REMOTE_ADDR ('1.2.3.4', '1.2.3.4:5678',
    '[2001:db8::1]:443', '2001:db8::1'), normalised; None when it is not an address."""
    text = (text or "").strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port; a bare IPv6 has several colons
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def is_trusted(address: str | None, networks: tuple[Network, ...]) -> bool:
    if address is None:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip in network for network in networks)


def resolve(peer: str | None, forwarded_for: str, networks: tuple[Network, ...]) -> str | None:
    """The client address from the TCP peer and the X-Forwarded-For header (pure)."""
    peer = parse_address(peer or "")
    if not is_trusted(peer, networks) or not forwarded_for:
        return peer
    client = peer
    for hop in reversed(forwarded_for.split(",")):
        address = parse_address(hop)
        if address is None:
            break  # garbage written before a trusted proxy: keep the last trusted hop
        client = address
        if not is_trusted(address, networks):
            break
    return client


def client_address(request) -> str | None:
    """The address of the client that sent `request` (see the module docstring)."""
    return resolve(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        trusted_networks(),
    )


def client_port(request) -> int | None:
    """X-Forwarded-Port from a trusted proxy; None otherwise (a client could write anything)."""
    peer = parse_address(request.META.get("REMOTE_ADDR", ""))
    if not is_trusted(peer, trusted_networks()):
        return None
    try:
        return int(request.META.get("HTTP_X_FORWARDED_PORT", ""))
    except ValueError:
        return None


@checks.register(checks.Tags.security)
def check_trusted_proxies(app_configs, **kwargs):
    errors = []
    for entry in getattr(settings, "DANGBO_TRUSTED_PROXIES", ()) or ():
        try:
            ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError:
            errors.append(
                checks.Error(
                    f"DANGBO_TRUSTED_PROXIES: «{entry}» không phải địa chỉ IP hay mạng (CIDR).",
                    id="dangbo.E001",
                )
            )
    return errors
