"""What an app that holds personal data answers to (pretix's data shredders are the model).

An app subclasses `PersonalData` in its own `privacy.py` and names an instance
`personal_data` there; the privacy app (`expo/privacy/services.py`), at the top of the
layers, finds it and runs export, erasure and retention across the apps. The class
lives here, at the bottom, so every app can subclass it without importing upwards.
"""

from datetime import date, datetime


class PersonalData:
    """What one app holds about people, and how to hand it over or let go of it."""

    #: Names the app's part of the export and of the purge report.
    name = ""

    def export(self, *, user) -> dict:
        """The person's data as the export's top-level keys."""
        return {}

    def erase(self, *, user, now: datetime) -> None:
        """Forget the person. Called inside the erasure's transaction with the user's row
        locked and still holding their e-mail address; the account itself is left to
        the accounts app."""

    def purge(self, *, ended_before: date, now: datetime, dry_run: bool) -> dict[str, int]:
        """Erase what the app holds about people for expos that ended before
        `ended_before`; return how many rows of each kind were (or, with `dry_run`,
        would be) erased. Rows already erased are not counted again."""
        return {}
