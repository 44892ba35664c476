from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from horgos.choices import Role
from horgos.roles import role_required


@role_required(Role.ADMINISTRATOR)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The operations pages, each with a line on what it is for."""
    return render(request, "crossings/operations/index.html")
