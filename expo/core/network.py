"""Who is asking: the client's address, for per-visitor rate limits and logs.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when
the request comes from a proxy named in ``TRUSTED_PROXIES`` (addresses or networks, e.g.
the compose network, docker-compose.yml). Anyone else reaching the app directly could
otherwise pick a fresh address for every request and never be rate-limited.
"""

import functools
import ipaddress

from django.conf import settings

_Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_ip(request) -> str:
    """The address of the client that sent ``request``.

    ``REMOTE_ADDR`` unless that is a trusted proxy; then the right-most address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (entries to its left were
    written by the client and prove nothing). A malformed entry stops the walk there.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    networks = trusted_proxy_networks(tuple(settings.TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    client = remote
    for entry in reversed([part.strip() for part in forwarded.split(",") if part.strip()]):
        if _parse(entry) is None:
            break
        client = entry
        if not _is_trusted(entry, networks):
            break
    return client


@functools.cache
def trusted_proxy_networks(values: tuple[str, ...]) -> tuple[_Network, ...]:
    """``TRUSTED_PROXIES`` parsed; raises ``ValueError`` naming a bad entry."""
    networks = []
    for value in values:
        try:
            networks.append(ipaddress.ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"TRUSTED_PROXIES: {value!r} is not an address or network") from None
    return tuple(networks)


def _parse(value: str):
    try:
        return ipaddress.ip_address(value)
    except ValueError:
        return None


def _is_trusted(value: str, networks: tuple[_Network, ...]) -> bool:
    address = _parse(value)
    return address is not None and any(address in network for network in networks)


class ClientIpThrottleMixin:
    """For DRF throttles: count per ``client_ip`` (DRF's own ``get_ident`` trusts
    ``X-Forwarded-For`` from anyone unless ``NUM_PROXIES`` is exactly right)."""

    def get_ident(self, request):
        return client_ip(request)
