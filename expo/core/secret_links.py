"""Links carrying a secret (an invitation), made again when the e-mail is written.

The outbox row that sends such a link keeps a random seed, never the secret: the token
in the link is an HMAC of the seed under `SECRET_KEY`, and the row it opens stores only
a hash of the token. A copy of the database is therefore no key to anything, while a
worker can still render the mail at any later try. Rotating `SECRET_KEY` ends the
links already sent (invitations last a week; inviting again sends a new one).
"""

import secrets

from django.utils.crypto import salted_hmac


def secret_link_new(*, purpose: str, url: str) -> tuple[dict, str]:
    """A link to store in an outbox context, and its token for the hash kept elsewhere.

    `url` holds ``{token}`` where the secret goes; `purpose` separates kinds of link,
    so one kind's token can never be made to open another's.
    """
    link = {"purpose": purpose, "seed": secrets.token_urlsafe(24), "url": url}
    return link, secret_link_token(link)


def secret_link_token(link: dict) -> str:
    return salted_hmac(
        f"expo.secret_link.{link['purpose']}", link["seed"], algorithm="sha256"
    ).hexdigest()


def secret_link_url(link: dict) -> str:
    return link["url"].replace("{token}", secret_link_token(link))
