"""The client's address: X-Forwarded-For only from a trusted proxy (expo/core/network.py)."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from expo.core.network import client_ip

TOKEN = "/api/v1/auth/token/"
PROXY_NETWORK = "172.30.87.0/24"  # docker-compose.yml's network
PROXY = "172.30.87.5"


def _request(remote: str, forwarded: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # Straight from the internet: the header is the client's own claim.
        ([PROXY_NETWORK], "203.0.113.7", "198.51.100.1", "203.0.113.7"),
        ([], PROXY, "198.51.100.1", PROXY),
        # From the proxy: the address it saw, whatever the client wrote before it.
        ([PROXY_NETWORK], PROXY, "198.51.100.1", "198.51.100.1"),
        ([PROXY_NETWORK], PROXY, "1.2.3.4, 198.51.100.1", "198.51.100.1"),
        ([PROXY_NETWORK, "10.0.0.0/8"], PROXY, "198.51.100.1, 10.1.2.3", "198.51.100.1"),
        ([PROXY_NETWORK], PROXY, "2001:db8::1", "2001:db8::1"),
        # The proxy sent nothing usable: the proxy is all we know.
        ([PROXY_NETWORK], PROXY, None, PROXY),
        ([PROXY_NETWORK], PROXY, "not-an-address", PROXY),
        ([PROXY_NETWORK], PROXY, "198.51.100.1, junk", PROXY),
    ],
)
def test_client_ip(trusted, remote, forwarded, expected):
    with override_settings(TRUSTED_PROXIES=trusted):
        assert client_ip(_request(remote, forwarded)) == expected


@pytest.fixture
def login_limit_3_per_minute():
    current = settings.REST_FRAMEWORK
    rates = {**current["DEFAULT_THROTTLE_RATES"], "login": "3/min"}
    cache.clear()
    with (
        override_settings(
            REST_FRAMEWORK={**current, "DEFAULT_THROTTLE_RATES": rates},
            TRUSTED_PROXIES=[PROXY_NETWORK],
        ),
        time_machine.travel(datetime(2022, 6, 1, 10, 0, 5, tzinfo=UTC), tick=False),
    ):
        yield
    cache.clear()


def _logins(api, remote: str) -> list[int]:
    """Four wrong logins at four accounts, each claiming another address."""
    return [
        api.post(
            TOKEN,
            {"email": f"target{n}@example.se", "password": "guess"},
            format="json",
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(4)
    ]


@pytest.mark.django_db
def test_spoofed_forwarded_for_from_an_untrusted_address_is_ignored(api, login_limit_3_per_minute):
    assert _logins(api, "203.0.113.7") == [400, 400, 400, 429]


@pytest.mark.django_db
def test_forwarded_for_from_the_proxy_tells_clients_apart(api, login_limit_3_per_minute):
    """The control: the same requests through the proxy are four clients, none limited."""
    assert _logins(api, PROXY) == [400, 400, 400, 400]
