"""Signing up, API tokens and the person's own profile (``/me/``)."""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from expo.accounts import selectors, services
from expo.accounts.serializers import (
    ErrorSerializer,
    MeUpdateInputSerializer,
    RegisterInputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
)
from expo.accounts.throttles import (
    LoginPerAddressThrottle,
    LoginPerEmailThrottle,
    RegisterThrottle,
)
from expo.core.permissions import VISITOR

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
    """Sign up as a visitor."""

    # Signing up needs no identity; a stale token in the client must not turn this into a 401.
    authentication_classes = []
    permission_classes = []
    throttle_classes = [RegisterThrottle]
    throttle_scope = "register"

    @extend_schema(
        operation_id="auth_register",
        summary="Sign up as a visitor",
        request=RegisterInputSerializer,
        responses={
            201: UserOutputSerializer,
            400: _INVALID,
            409: OpenApiResponse(ErrorSerializer, description="`email_taken`."),
            429: _RATE_LIMITED,
        },
        parameters=[_RETRY_AFTER],
        auth=[],
    )
    def post(self, request):
        serializer = RegisterInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_create(**serializer.validated_data, role=VISITOR)
        user = selectors.user_profile_get(user_id=user.pk)
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)


class AuthTokenApi(APIView):
    """Log in for an API token (POST) or revoke it everywhere (DELETE)."""

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
        summary="Log in: get the API token",
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
        return Response(TokenOutputSerializer(token).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Log out everywhere: revoke the API token",
        request=None,
        responses={204: None, 401: _NOT_AUTHENTICATED},
    )
    def delete(self, request):
        services.auth_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


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
