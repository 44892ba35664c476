from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from horgos.api.serializers import UserSerializer
from horgos.models import User
from horgos.roles import IsAdministrator


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
