"""`manage.py create_user`: one account with one role, optionally in an organisation."""

import io

import pytest
from django.core.management import CommandError, call_command

from expo.accounts.models import User
from expo.core.exceptions import InvalidInput
from expo.core.permissions import ROLES, user_roles
from expo.exhibitors.models import Membership
from expo.exhibitors.services import membership_add
from tests.factories import ExhibitorFactory, UserFactory

PASSWORD = "sundet-kärnan-2035"


def create_user(email: str, **options) -> str:
    out = io.StringIO()
    call_command("create_user", email, stdout=out, **{"password": PASSWORD, **options})
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_creates_an_account_with_the_role(role):
    create_user("Anna@Example.org", role=role, name="Anna Andersson")

    user = User.objects.get(email="anna@example.org")
    assert user.check_password(PASSWORD)
    assert user.name == "Anna Andersson"
    assert user_roles(user) == [role]
    assert user.is_staff == (role == "expo_staff")
    assert not user.is_superuser


@pytest.mark.django_db
def test_language_defaults_to_swedish_and_can_be_english():
    create_user("sv@example.org", role="visitor")
    create_user("en@example.org", role="visitor", language="en")

    assert User.objects.get(email="sv@example.org").language == "sv"
    assert User.objects.get(email="en@example.org").language == "en"


@pytest.mark.django_db
def test_exhibitor_option_makes_the_account_a_member_of_that_organisation():
    organisation = ExhibitorFactory(slug="sundlab", name="Sundlab AB")

    output = create_user("elsa@example.org", role="exhibitor", exhibitor="sundlab")

    membership = Membership.objects.get(user__email="elsa@example.org")
    assert (membership.exhibitor, membership.role) == (organisation, Membership.Role.MEMBER)
    assert "Sundlab AB" in output


@pytest.mark.django_db
def test_exhibitor_role_without_an_organisation_is_allowed():
    create_user("solo@example.org", role="exhibitor")

    user = User.objects.get(email="solo@example.org")
    assert user_roles(user) == ["exhibitor"]
    assert not Membership.objects.filter(user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"role": "exhibitor", "exhibitor": "no-such-partner"}, "no-such-partner"),
        ({"role": "visitor", "exhibitor": "sundlab"}, "--exhibitor"),
        ({"role": "visitor", "password": "123"}, "password"),
        ({"role": "visitor", "password": "password123"}, "password"),
        ({"role": "superhero"}, "role"),
    ],
)
def test_refuses_invalid_input_and_creates_nothing(options, problem):
    ExhibitorFactory(slug="sundlab")

    with pytest.raises(CommandError, match=problem):
        create_user("new@example.org", **options)

    assert not User.objects.filter(email="new@example.org").exists()


@pytest.mark.django_db
def test_refuses_an_invalid_email():
    with pytest.raises(CommandError, match="e-mail"):
        create_user("not-an-address", role="visitor")


@pytest.mark.django_db
def test_refuses_an_email_that_is_taken_whatever_its_case():
    UserFactory(email="taken@example.org")

    with pytest.raises(CommandError, match="exists"):
        create_user("Taken@Example.org", role="gate_staff")

    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


@pytest.mark.django_db
def test_membership_add_is_idempotent_and_grants_the_exhibitor_role():
    organisation = ExhibitorFactory()
    visitor = UserFactory(role="visitor")

    first = membership_add(exhibitor=organisation, user=visitor, role=Membership.Role.OWNER)
    again = membership_add(exhibitor=organisation, user=visitor)

    assert first == again and again.role == Membership.Role.OWNER
    assert Membership.objects.filter(user=visitor).count() == 1
    visitor = User.objects.get(pk=visitor.pk)
    assert user_roles(visitor) == ["visitor", "exhibitor"]


@pytest.mark.django_db
def test_membership_add_refuses_an_unknown_role():
    with pytest.raises(InvalidInput) as refused:
        membership_add(exhibitor=ExhibitorFactory(), user=UserFactory(), role="boss")

    assert refused.value.code == "invalid"
    assert not Membership.objects.exists()
