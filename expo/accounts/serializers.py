from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from expo.accounts.models import User
from expo.core.permissions import ROLES, user_roles


def _normalise_email(value: str) -> str:
    # Stored lower-case (see User.email), so every lookup and uniqueness check agrees.
    return value.strip().lower()


class RegisterInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)
    name = serializers.CharField(max_length=150)
    language = serializers.ChoiceField(choices=User.Language.choices, default=User.Language.SV)

    def validate_email(self, value):
        return _normalise_email(value)

    def validate(self, attrs):
        # Django's validators, including "too similar to the e-mail or name".
        candidate = User(email=attrs["email"], name=attrs["name"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class TokenInputSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, write_only=True)

    def validate_email(self, value):
        return _normalise_email(value)


class RegisterOutputSerializer(serializers.Serializer):
    """What a sign-up answers, the same for a new and a taken address (nothing of the
    account: that would tell who is registered)."""

    email = serializers.EmailField()
    name = serializers.CharField()
    language = serializers.ChoiceField(choices=User.Language.choices)


class TokenOutputSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text="Send as `Authorization: Token <token>`. Shown once; expires after "
        "API_TOKEN_TTL_DAYS; one per log-in (device)."
    )


class EmailVerifyInputSerializer(serializers.Serializer):
    uid = serializers.CharField(max_length=64, help_text="From the link: /verify/<uid>/<token>/.")
    token = serializers.CharField(max_length=128)


class LoginLinkInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    language = serializers.ChoiceField(
        choices=User.Language.choices,
        required=False,
        help_text="For a new account and its mail; an existing account keeps its own.",
    )
    next = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text="A path on this site the link's page returns to after signing in.",
    )

    def validate_email(self, value):
        return _normalise_email(value)


class LoginLinkRedeemInputSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=128, help_text="From the link: /login/link/<token>/.")


class MeUpdateInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150, required=False)
    language = serializers.ChoiceField(choices=User.Language.choices, required=False)


class UserOutputSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField()
    email_verified = serializers.BooleanField(
        read_only=True, help_text="Until true, tickets go to this address only, not attendees'."
    )

    class Meta:
        model = User
        fields = ["id", "email", "name", "language", "roles", "email_verified"]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=ROLES)))
    def get_roles(self, user) -> list[str]:
        return user_roles(user)


class ErrorSerializer(serializers.Serializer):
    """The body of every 4xx answer (docs/api.md, "Every error")."""

    code = serializers.CharField(help_text="Stable, machine-readable snake_case reason.")
    detail = serializers.CharField(help_text="Human text in the request's language.")
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Per-field messages; only for validation errors (code `invalid`).",
    )
