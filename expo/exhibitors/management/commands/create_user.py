"""`manage.py create_user EMAIL --password P --role ROLE [--name N] [--exhibitor SLUG]`."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction

from expo.accounts.errors import EmailTaken
from expo.accounts.models import User
from expo.accounts.services import user_create
from expo.core.permissions import EXHIBITOR, ROLES
from expo.exhibitors.models import Exhibitor
from expo.exhibitors.services import membership_add


class Command(BaseCommand):
    help = (
        "Create an account with one role. With --exhibitor the account also becomes a "
        "member of that partner organisation (role exhibitor only)."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--password", required=True)
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--name", default="")
        parser.add_argument("--language", choices=User.Language.values, default="sv")
        parser.add_argument("--exhibitor", metavar="SLUG", help="Slug of the organisation.")

    def handle(self, *args, email, password, role, name, language, exhibitor, **options):
        email = email.strip()
        try:
            validate_email(email)
        except ValidationError:
            raise CommandError(f"{email!r} is not a valid e-mail address.") from None
        organisation = self._organisation(exhibitor, role=role)
        self._check_password(password, email=email, name=name)
        try:
            with transaction.atomic():
                user = user_create(
                    email=email, password=password, name=name, language=language, role=role
                )
                if organisation is not None:
                    membership_add(exhibitor=organisation, user=user)
        except EmailTaken:
            raise CommandError(f"An account with the e-mail address {email} exists.") from None
        joined = f", member of {organisation.name}" if organisation else ""
        self.stdout.write(self.style.SUCCESS(f"Created {user.email} ({role}{joined})."))

    def _organisation(self, slug: str | None, *, role: str) -> Exhibitor | None:
        if slug is None:
            return None
        if role != EXHIBITOR:
            raise CommandError("--exhibitor can only be given with --role exhibitor.")
        organisation = Exhibitor.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"No exhibitor has the slug {slug!r}.")
        return organisation

    def _check_password(self, password: str, *, email: str, name: str) -> None:
        try:
            validate_password(password, user=User(email=email, name=name))
        except ValidationError as error:
            problems = "\n".join(f"  - {message}" for message in error.messages)
            raise CommandError(f"The password is not accepted:\n{problems}") from None
