"""What accounts tells the apps above it: it never imports them (docs/api.md, "Who gets mail").

Sent inside the change's transaction, so whatever a receiver writes (an outbox row)
commits or vanishes with the change.
"""

from django.dispatch import Signal

# A mail to the person's own address is due. Arguments: ``user``, ``kind`` (one of the
# names below) and ``now``. A receiver answers True when it queued the mail, False when
# one of the kind went out too recently to send another. LOGIN_LINK also passes
# ``email`` and ``context`` (the link's seed, never its token), and ``user`` is None
# when the address has no account yet.
account_mail_requested = Signal()

# A person's account is being erased. Arguments: ``user`` (row locked, still holding the
# address) and ``now``. Sent inside the erasure's transaction before the account itself
# is anonymised; receivers forget what their apps hold about the person.
user_erasing = Signal()

EMAIL_VERIFICATION = "email_verification"
PASSWORD_RESET = "password_reset"
REGISTRATION_ATTEMPT = "registration_attempt"
LOGIN_LINK = "login_link"
