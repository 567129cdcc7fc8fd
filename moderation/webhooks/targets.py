"""Where webhooks may be sent: public http(s) receivers only, checked at registration and again before each send.

A webhook URL is chosen by whoever holds a moderator token, and the worker POSTs to it from inside the newsroom's
network: without a check it reaches the cloud metadata service, the database port or any internal admin page, and
the deliveries view would tell "connection refused" from "HTTP 405", a port scanner. So a target must be http or
https, carry no credentials, and every address its host resolves to must be global: no loopback, private,
link-local, CGNAT, multicast, reserved or unspecified address, however it is written (``0x7f000001``,
``[::ffff:127.0.0.1]``, ``0``). The check runs again before every delivery, after a fresh DNS lookup, so a name
that later resolves inward (DNS rebinding) is refused then, and the checked addresses are the ones connected to
(``Target.addresses``): a second lookup by the HTTP client could answer differently. Redirects are never followed.
Internal receivers are allowed only by name in ``KOMMENTARE_WEBHOOK_ALLOWED_HOSTS`` (host names, IP addresses or
networks).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolver = Callable[[str, int], Sequence[str]]
IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Host names that are internal whatever they resolve to.
INTERNAL_NAMES = frozenset({"localhost", "metadata", "metadata.google.internal", "instance-data"})


class TargetRefused(ValueError):
    """The URL may not receive webhooks; the message says why, in words a moderator can act on."""


@dataclass(frozen=True)
class Target:
    """A checked receiver: the URL as registered and the addresses its host resolved to when it was checked."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (IPv4 and IPv6)."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


def check_target(url: str, *, allowed: Sequence[str] = (), resolver: Resolver | None = None) -> Target:
    """The checked target; ``TargetRefused`` unless ``url`` is a public http(s) receiver or explicitly allowed."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetRefused("Only http and https URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None:
        raise TargetRefused("Webhook URLs must not carry credentials; use the signing secret instead.")
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise TargetRefused("The URL has no host.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetRefused("The URL has an invalid port.") from exc
    named = _allowed(host, allowed, None)
    if not named and (host in INTERNAL_NAMES or host.endswith((".internal", ".local", ".localhost"))):
        raise TargetRefused("Internal host names cannot receive webhooks.")
    addresses = _addresses(host, port, resolver or resolve)
    for address in addresses:
        if not named and not _allowed(host, allowed, address) and not _public(address):
            raise TargetRefused("The host resolves to an internal address; only public receivers are allowed.")
    return Target(url=url, host=host, port=port, addresses=tuple(str(address) for address in addresses))


def _addresses(host: str, port: int, resolver: Resolver) -> list[IpAddress]:
    try:
        found = resolver(host.strip("[]"), port)
        addresses = [ipaddress.ip_address(address.split("%")[0]) for address in found]
    except (OSError, ValueError) as exc:
        raise TargetRefused("The host name cannot be resolved.") from exc
    if not addresses:
        raise TargetRefused("The host name cannot be resolved.")
    return addresses


def _public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _allowed(host: str, allowed: Sequence[str], address: IpAddress | None) -> bool:
    """Whether the allow-list names the host, or (given an address) a network that contains it."""
    for entry in allowed:
        entry = entry.strip().lower()
        if entry == host:
            return True
        if address is not None:
            try:
                if address in ipaddress.ip_network(entry, strict=False):
                    return True
            except ValueError:
                continue
    return False
