"""Signing up, API tokens and the person's own profile (``/me/``)."""

from urllib.parse import urlencode

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from knox.models import AuthToken
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.accounts import selectors, services
from expo.accounts.serializers import (
    EmailVerifyInputSerializer,
    ErrorSerializer,
    LoginLinkInputSerializer,
    LoginLinkRedeemInputSerializer,
    MeUpdateInputSerializer,
    RegisterInputSerializer,
    RegisterOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
)
from expo.accounts.throttles import (
    LoginLinkPerAddressThrottle,
    LoginLinkPerEmailThrottle,
    LoginPerAddressThrottle,
    LoginPerEmailThrottle,
    RegisterThrottle,
)

_RETRY_AFTER = OpenApiParameter(
    name="Retry-After",
    type=int,
    location=OpenApiParameter.HEADER,
    response=[429],
    description="Seconds to wait before trying again.",
)
_INVALID = OpenApiResponse(ErrorSerializer, description="`invalid`, with `fields`.")
_NOT_AUTHENTICATED = OpenApiResponse(
    ErrorSerializer, description="`not_authenticated` or `authentication_failed`."
)
_RATE_LIMITED = OpenApiResponse(ErrorSerializer, description="`rate_limited`.")


class RegisterApi(APIView):
    """Sign up as a visitor; the answer does not tell whether the address was taken."""

    # Signing up needs no identity; a stale token in the client must not turn this into a 401.
    authentication_classes = []
    permission_classes = []
    throttle_classes = [RegisterThrottle]
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        summary="Sign up as a visitor",
        description=(
            "201 for a new and for a taken address alike. A new address gets its account "
            "and a mail with a link to confirm the address; the owner of a taken one gets "
            "a mail saying someone tried to sign up with it. Log in with "
            "`POST /auth/token/`."
        ),
        request=RegisterInputSerializer,
        responses={201: RegisterOutputSerializer, 400: _INVALID, 429: _RATE_LIMITED},
        parameters=[_RETRY_AFTER],
        auth=[],
    )
    def post(self, request):
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_register(**serializer.validated_data)
        body = RegisterOutputSerializer(serializer.validated_data).data
        return Response(body, status=status.HTTP_201_CREATED)


class AuthTokenApi(APIView):
    """Log in for an API token (POST) or log this device out (DELETE)."""

    def get_authenticators(self):
        # Logging in needs no identity; a revoked token still sent by the client must not
        # turn the new log-in into a 401. (The schema generator asks before it has a request.)
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    def get_permissions(self):
        if self.request.method == "POST":
            return []
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [LoginPerAddressThrottle(), LoginPerEmailThrottle()]
        return []

    @extend_schema(
        operation_id="auth_token_create",
        summary="Log in: get an API token for this device",
        request=TokenInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(
                ErrorSerializer, description="`invalid_credentials` or `invalid`."
            ),
            429: _RATE_LIMITED,
        },
        parameters=[_RETRY_AFTER],
        auth=[],
    )
    def post(self, request):
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.auth_token_obtain(**serializer.validated_data, request=request)
        return Response(TokenOutputSerializer({"token": token}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Log out: revoke the token sent with this request",
        request=None,
        responses={204: None, 401: _NOT_AUTHENTICATED},
    )
    def delete(self, request):
        return _logout(request)


def _logout(request):
    if isinstance(request.auth, AuthToken):  # a browser session has no token to revoke
        services.auth_token_revoke(token=request.auth)
    return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutApi(APIView):
    """Revoke the token sent with this request; the person's other devices stay logged in."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout",
        summary="Log out this device",
        request=None,
        responses={204: None, 401: _NOT_AUTHENTICATED},
    )
    def post(self, request):
        return _logout(request)


class LogoutAllApi(APIView):
    """Revoke every API token of the person: all their devices must log in again."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_logout_all",
        summary="Log out every device",
        request=None,
        responses={204: None, 401: _NOT_AUTHENTICATED},
    )
    def post(self, request):
        services.auth_tokens_revoke_all(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LoginLinkApi(APIView):
    """Mail me a one-time sign-in link; the answer does not tell whether I have an account."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [LoginLinkPerAddressThrottle, LoginLinkPerEmailThrottle]

    @extend_schema(
        operation_id="auth_login_link",
        summary="Mail me a sign-in link",
        description=(
            "202 for every well-formed address, with the same empty body. The link works "
            "once, for 15 minutes; its first use creates a visitor account for an address "
            "without one. Redeem it with `POST /auth/login-link/redeem/` or open it in a "
            "browser (`/login/link/<token>/`, which returns to `next`)."
        ),
        request=LoginLinkInputSerializer,
        responses={202: None, 400: _INVALID, 429: _RATE_LIMITED},
        parameters=[_RETRY_AFTER],
        auth=[],
    )
    def post(self, request):
        serializer = LoginLinkInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.login_link_request(
            email=data["email"], language=data.get("language"), next_url=data.get("next", "")
        )
        return Response(status=status.HTTP_202_ACCEPTED)


class LoginLinkRedeemApi(APIView):
    """Use a sign-in link for an API token (for apps; browsers open the link's page)."""

    authentication_classes = []
    permission_classes = []
    throttle_classes = [LoginPerAddressThrottle]

    @extend_schema(
        operation_id="auth_login_link_redeem",
        summary="Sign in with a mailed link: get an API token for this device",
        request=LoginLinkRedeemInputSerializer,
        responses={
            200: TokenOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`invalid_link` or `invalid`."),
            429: _RATE_LIMITED,
        },
        parameters=[_RETRY_AFTER],
        auth=[],
    )
    def post(self, request):
        serializer = LoginLinkRedeemInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.login_link_api_token(token=serializer.validated_data["token"])
        return Response(TokenOutputSerializer({"token": token}).data)


class EmailVerifyApi(APIView):
    """Confirm the address with the uid and token of the mailed link (for apps)."""

    authentication_classes = []
    permission_classes = []

    @extend_schema(
        operation_id="auth_verify_email",
        summary="Confirm my e-mail address",
        request=EmailVerifyInputSerializer,
        responses={
            200: UserOutputSerializer,
            400: OpenApiResponse(ErrorSerializer, description="`invalid_link` or `invalid`."),
        },
        auth=[],
    )
    def post(self, request):
        serializer = EmailVerifyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        user = services.email_verify(uidb64=data["uid"], token=data["token"])
        return Response(UserOutputSerializer(selectors.user_profile_get(user_id=user.pk)).data)


class EmailVerifyResendApi(APIView):
    """Mail me a new link to confirm my address (at most one every few minutes)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_verify_email_resend",
        summary="Send me a new address confirmation link",
        description="202 whether or not a mail went out (already confirmed, or one just sent).",
        request=None,
        responses={202: None, 401: _NOT_AUTHENTICATED},
    )
    def post(self, request):
        services.email_verification_request(user=request.user)
        return Response(status=status.HTTP_202_ACCEPTED)


class MeApi(APIView):
    """The person behind the request: who they are and which roles they hold."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_retrieve",
        summary="Who am I",
        responses={200: UserOutputSerializer, 401: _NOT_AUTHENTICATED},
    )
    def get(self, request):
        user = selectors.user_profile_get(user_id=request.user.pk)
        return Response(UserOutputSerializer(user).data)

    @extend_schema(
        operation_id="me_partial_update",
        summary="Change my name or language",
        request=MeUpdateInputSerializer,
        responses={200: UserOutputSerializer, 400: _INVALID, 401: _NOT_AUTHENTICATED},
    )
    def patch(self, request):
        serializer = MeUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.user_update_profile(user=request.user, **serializer.validated_data)
        user = selectors.user_profile_get(user_id=request.user.pk)
        return Response(UserOutputSerializer(user).data)

    @extend_schema(
        operation_id="me_destroy",
        summary="Erase my account and personal data (GDPR)",
        description=(
            "Cancels my bookings of sessions not yet started (the seats go to others), "
            "leaves my waitlists, removes names and e-mail addresses from my tickets and "
            "anonymises the account. Past bookings stay, without names, for the expo's "
            "statistics. The API tokens, the password and the calendar link stop working."
        ),
        request=None,
        responses={204: None, 401: _NOT_AUTHENTICATED},
    )
    def delete(self, request):
        services.user_erase(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CalendarTokenApi(APIView):
    """The secret link to my calendar feed (GET), or a new one that revokes the old (POST)."""

    permission_classes = [IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        calendar_url = serializers.URLField(
            help_text="Subscribe to this in a calendar app. Anyone holding it sees my bookings."
        )
        webcal_url = serializers.CharField(
            help_text="The same feed as a `webcal://` link, which opens the calendar app."
        )

    @extend_schema(
        operation_id="me_calendar_token_retrieve",
        summary="My calendar feed link",
        responses={200: OutputSerializer, 401: _NOT_AUTHENTICATED},
    )
    def get(self, request):
        return Response(self._links(request, request.user.calendar_token))

    @extend_schema(
        operation_id="me_calendar_token_rotate",
        summary="Replace my calendar feed link; the old one stops working",
        request=None,
        responses={200: OutputSerializer, 401: _NOT_AUTHENTICATED},
    )
    def post(self, request):
        user = services.user_calendar_token_rotate(user=request.user)
        return Response(self._links(request, user.calendar_token))

    def _links(self, request, token: str) -> dict:
        url = request.build_absolute_uri(f"{reverse('me-calendar')}?{urlencode({'token': token})}")
        links = {"calendar_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}
        return self.OutputSerializer(links).data
