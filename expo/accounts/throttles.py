"""Rate limits for signing up and logging in.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` and are read on each request
(DRF's own throttles copy them once at import), so ``THROTTLE_LOGIN`` /
``THROTTLE_REGISTER`` and ``override_settings`` in tests take effect.

Sign-in links have their own rates (``THROTTLE_LOGIN_LINK`` per client address, kept
loose for a venue's shared Wi-Fi, and ``THROTTLE_LOGIN_LINK_EMAIL`` per address mailed);
redeeming a link counts as a log-in attempt.

The client's address is ``expo.core.network.client_ip``: ``X-Forwarded-For`` counts only
from a proxy in ``TRUSTED_PROXIES``. The per-e-mail limit holds either way.
With the cache (Redis) unreachable the limits let requests through (expo/core/throttling.py).
"""

import hashlib

from rest_framework.settings import api_settings

from expo.core.network import ClientIpThrottleMixin
from expo.core.throttling import (
    FailOpenThrottleMixin,
    FixedWindowRateThrottle,
    ScopedFixedWindowRateThrottle,
)


class _RatesFromSettings(ClientIpThrottleMixin):
    @property
    def THROTTLE_RATES(self):  # the name SimpleRateThrottle looks up
        return api_settings.DEFAULT_THROTTLE_RATES


class RegisterThrottle(FailOpenThrottleMixin, _RatesFromSettings, ScopedFixedWindowRateThrottle):
    """Sign-ups per client address, at the rate of the view's ``throttle_scope``."""


class _LoginThrottle(_RatesFromSettings, FixedWindowRateThrottle):
    """Log-in attempts under the "login" rate, each counted atomically: password guessing
    comes in parallel bursts (expo/core/throttling.py). Every attempt counts, successful
    or not: otherwise an attacker could reset the address's count by logging in to their
    own account in between guesses.
    """

    scope = "login"


class LoginPerAddressThrottle(FailOpenThrottleMixin, _LoginThrottle):
    """Log-in attempts from one client address, whatever account they aim at."""

    cache_format = "throttle_login_address_%(ident)s"

    def get_cache_key(self, request, view):
        return self.cache_format % {"ident": self.get_ident(request)}


class LoginPerEmailThrottle(FailOpenThrottleMixin, _LoginThrottle):
    """Log-in attempts at one account, from whatever addresses they come."""

    cache_format = "throttle_login_email_%(ident)s"

    def get_cache_key(self, request, view):
        data = request.data
        email = data.get("email") if hasattr(data, "get") else None
        if not isinstance(email, str) or not email.strip():
            return None  # the request is refused as invalid anyway
        # Hashed: cache keys must be short and safe, and need not hold addresses.
        digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        return self.cache_format % {"ident": digest}


class LoginLinkPerAddressThrottle(LoginPerAddressThrottle):
    """Sign-in links asked for from one client address, whatever address they go to."""

    scope = "login_link"
    cache_format = "throttle_login_link_address_%(ident)s"


class LoginLinkPerEmailThrottle(LoginPerEmailThrottle):
    """Sign-in links asked for one e-mail address: no flooding of anyone's inbox."""

    scope = "login_link_email"
    cache_format = "throttle_login_link_email_%(ident)s"
