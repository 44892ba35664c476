"""A URLconf for tests of the shared building blocks (idempotency, role checks) through real views."""

import threading

from django.db import OperationalError
from django.http import HttpResponse
from django.urls import include, path
from django.views import View
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from horgos.api.idempotency import idempotent
from horgos.choices import Role
from horgos.roles import IsOfficer, RoleRequiredMixin, role_required
from horgos.services import user_create

# Tests set this to hold a request inside the view while another one arrives.
view_entered = threading.Event()
view_may_finish = threading.Event()


class NewUserSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices)
    crash = serializers.BooleanField(default=False)
    wait = serializers.BooleanField(default=False)


class CreateUserView(APIView):
    """A creating POST like the domain endpoints: validates, calls a service, answers 201."""

    @idempotent
    def post(self, request):
        serializer = NewUserSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if serializer.validated_data["wait"]:
            view_entered.set()
            view_may_finish.wait(timeout=10)
        if serializer.validated_data["crash"]:
            raise RuntimeError("simulated failure")
        user = user_create(
            username=serializer.validated_data["username"],
            password="x-Secret-123",
            role=serializer.validated_data["role"],
        )
        return Response({"id": user.pk, "username": user.username}, status=status.HTTP_201_CREATED)


class OfficerOnlyApiView(APIView):
    permission_classes = [IsOfficer]

    def get(self, request):
        return Response({"ok": True})


@role_required(Role.OFFICER, Role.ADMINISTRATOR)
def officer_page(request):
    return HttpResponse("officer page")


class MerchantPage(RoleRequiredMixin, View):
    allowed_roles = (Role.MERCHANT,)

    def get(self, request):
        return HttpResponse("merchant page")


TOO_MANY_CLIENTS = 'connection to server at "127.0.0.1", port 5432 failed: FATAL:  sorry, too many clients already'


def refused_page(request):
    raise OperationalError(TOO_MANY_CLIENTS)


class RefusedApiView(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise OperationalError(TOO_MANY_CLIENTS)


class CrashingApiView(APIView):
    authentication_classes = []
    permission_classes = []

    def get(self, request):
        raise RuntimeError("simulated failure")


def session_page(request):
    """Changes the session: SessionMiddleware saves it after the view, outside the view's own code."""
    request.session["seen"] = True
    return HttpResponse("session page")


urlpatterns = [
    path("refused-page/", refused_page),
    path("session-page/", session_page),
    path("api/v1/refused/", RefusedApiView.as_view()),
    path("api/v1/crash/", CrashingApiView.as_view()),
    path("api/v1/test-users/", CreateUserView.as_view()),
    path("api/v1/officer-only/", OfficerOnlyApiView.as_view()),
    path("officer-page/", officer_page),
    path("merchant-page/", MerchantPage.as_view()),
    path("", include("horgos.urls")),
]

handler400 = "horgos.views.bad_request"
handler403 = "horgos.views.permission_denied"
handler404 = "horgos.views.page_not_found"
handler500 = "horgos.views.server_error"
