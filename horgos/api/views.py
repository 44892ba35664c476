import logging

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, permissions, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes, throttle_classes
from rest_framework.request import Request
from rest_framework.response import Response

from horgos.api.serializers import IssuedTokenSerializer, TokenRequestSerializer, UserSerializer
from horgos.lockout import client_address, lockout_response
from horgos.models import User
from horgos.roles import IsAdministrator
from horgos.services import api_token_issue_personal
from horgos.throttling import TokenEndpointThrottle

CREDENTIALS_INVALID = _("Unable to log in with provided credentials.")

auth_log = logging.getLogger("horgos.auth")


@extend_schema(responses=UserSerializer, summary="The signed-in user")
@api_view(["GET"])
def me(request: Request) -> Response:
    return Response(UserSerializer(request.user).data)


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Users with their roles (administrators only)."""

    queryset = User.objects.order_by("username")
    serializer_class = UserSerializer
    permission_classes = [IsAdministrator]
    filterset_fields = ["role", "is_active"]
    ordering_fields = ["username", "date_joined"]


@extend_schema(
    request=TokenRequestSerializer,
    responses={
        200: IssuedTokenSerializer,
        400: OpenApiResponse(description="Missing fields, or a username and password that do not sign in."),
        429: OpenApiResponse(description="Too many requests from this address, or sign-in locked out (Retry-After)."),
    },
    summary="A new personal API token",
    description=(
        "Username and password in, a new token out, shown this once, with its expiry; the account's previous "
        "personal token stops working. Throttled per client address (429 with Retry-After); repeated failures "
        "lock the account and the address (429)."
    ),
)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([permissions.AllowAny])
@throttle_classes([TokenEndpointThrottle])
def api_token_obtain(request: Request) -> Response:
    serializer = TokenRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    # Django's own request, so that django-axes counts a failure against the account and the address and flags a
    # lockout where its middleware sees it.
    django_request = request._request
    user = authenticate(
        django_request, username=serializer.validated_data["username"], password=serializer.validated_data["password"]
    )
    if user is None:
        if getattr(django_request, "axes_locked_out", False):
            return lockout_response(django_request)
        raise exceptions.ValidationError({"non_field_errors": [CREDENTIALS_INVALID]})
    issued = api_token_issue_personal(user=user, acting_user=user)
    auth_log.info("sign-in (api token endpoint): user=%s ip=%s", user.get_username(), client_address(django_request))
    return Response(IssuedTokenSerializer({"token": issued.secret, "expires_at": issued.token.expires_at}).data)
