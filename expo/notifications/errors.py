"""Why a delivery is tried again later (not an API error: it never reaches a client)."""


class TransientDeliveryError(Exception):
    """SMTP, network or database trouble worth retrying; the row is `pending` again."""
