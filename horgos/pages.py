"""Small helpers every app's pages share: htmx requests, going back after a button, paging, errors."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin, Table

from horgos.api.exceptions import error_body
from horgos.exports import csv_response, xlsx_response
from horgos.roles import RoleRequiredMixin
from horgos.tables import table_csv_rows

PAGE_SIZE = 50


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def posted_next(request: HttpRequest) -> str:
    """The page a button was on (its `next` field), when that is on this site; else ""."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def redirect_back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the button was on (keeping its filters and page), else to `default`."""
    return redirect(posted_next(request) or default)


def page_to_come_back_to(request: HttpRequest, default: str) -> str:
    """Where to bring someone back after a detour (signing in again, confirming their password): this page for a
    plain GET; for htmx and for a form sent (which cannot be replayed), the page it came from, when on this site;
    else `default`."""
    if request.method == "GET" and not is_htmx(request):
        return request.get_full_path()
    referrer = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    if referrer and url_has_allowed_host_and_scheme(
        referrer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referrer
    return default


def confirmation_next(request: HttpRequest, default: str) -> str:
    """Where a confirmation page goes back to (Cancel, and after the action): the `next` it was opened with (GET)
    or posted with, when that is on this site; else `default`."""
    target = request.POST.get("next") if request.method == "POST" else request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def render_confirmation(
    request: HttpRequest,
    *,
    title: str,
    question: str,
    confirm_label: str,
    form,
    cancel_url: str,
    facts: list[tuple[str, str]] | None = None,
    destructive: bool = False,
    query: dict[str, str] | None = None,
) -> HttpResponse:
    """The confirmation step of an action (horgos/confirm.html), which works without scripts: what is about to
    happen (`question`, the `facts` of the row), the form (a `horgos.forms.ConfirmForm`, bound and with the
    service's errors after a refused POST), a button that does it and Cancel back to `cancel_url`. It posts to
    the path it was opened at, with `query` (the checked parameters that name the row, never the request's own
    query, which may carry anything)."""
    context = {
        "action": f"{request.path}?{urlencode(query)}" if query else request.path,
        "title": title,
        "question": question,
        "confirm_label": confirm_label,
        "form": form,
        "cancel_url": cancel_url,
        "facts": facts or [],
        "destructive": destructive,
    }
    return render(request, "horgos/confirm.html", context, status=200)


def too_many_requests(request: HttpRequest, *, message: str, retry_after: int, api: bool = False) -> HttpResponse:
    """429 with `Retry-After` (seconds): the API's JSON error when `api`, else a page saying `message`."""
    if api:
        response = JsonResponse(error_body(code="throttled", message=str(message)), status=429)
    else:
        response = render(request, "429.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(int(retry_after), 1))
    return response


def show_error(request: HttpRequest, error: ValidationError) -> None:
    """A service's refusal of a button's action, as a message on the page the user returns to."""
    messages.error(request, " ".join(error.messages))


class CappedPaginator(Paginator):
    """Pages of at most the first `cap` rows. Counting every row a broad search matches reads every one of them
    (thousands at the catalogue's scale); this count stops at `cap` + 1 rows, and when there are more than `cap`,
    `more_than_cap` says so and the pages end at row `cap`: a page can say "more than 1,000 found" and be right."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def counted(self) -> int:
        """The rows, counted up to one more than `cap`."""
        rows = self.object_list[: self.cap + 1]
        return rows.count() if isinstance(rows, QuerySet) else len(rows)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.cap)

    @property
    def more_than_cap(self) -> bool:
        return self.counted > self.cap


def paginate(request: HttpRequest, rows: QuerySet | list, *, size: int | None = None, cap: int | None = None) -> Page:
    """The request's `page` of `rows`; with `cap`, of the first `cap` rows only (`CappedPaginator`)."""
    paginator = Paginator(rows, size or PAGE_SIZE) if cap is None else CappedPaginator(rows, size or PAGE_SIZE, cap=cap)
    return paginator.get_page(request.GET.get("page"))


def paged_table(request: HttpRequest, table: Table, *, size: int | None = None, paginate: bool = True) -> Table:
    """The table sorted by the request's `sort` and, unless `paginate` is False, cut into pages of `size` (else
    PAGE_SIZE) rows by its `page`; a page number out of range shows the nearest page, as `paginate` does."""
    RequestConfig(request, paginate={"per_page": size or PAGE_SIZE} if paginate else False).configure(table)
    return table


def posted(request: HttpRequest):
    """The form data of a POST, None for a GET: `Form(posted(request))` is bound only when submitted."""
    return request.POST if request.method == "POST" else None


class FilteredTableView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """A list page: a FilterSet's form over a sortable, paged table, for the roles in `allowed_roles`; with an
    `export_name`, `?export=csv` (or another of `export_formats`, e.g. xlsx) downloads every filtered row instead,
    in the same order. `self.now` is the moment the page is about."""

    table_pagination = {"per_page": PAGE_SIZE}
    table_caption = ""
    export_name = ""
    export_formats: tuple[str, ...] = ("csv",)

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        requested = request.GET.get("export", "")
        self.export_format = requested if self.export_name and requested in self.export_formats else ""

    def get_table_kwargs(self):
        return {"caption": self.table_caption}

    def get_table_pagination(self, table):
        return False if self.export_format else super().get_table_pagination(table)

    def render_to_response(self, context, **response_kwargs):
        if not self.export_format:
            return super().render_to_response(context, **response_kwargs)
        filename = f"{self.export_name}-{timezone.localdate(self.now):%Y-%m-%d}.{self.export_format}"
        rows = table_csv_rows(context["table"])
        if self.export_format == "xlsx":
            return xlsx_response(rows, filename, sheet_title=str(self.table_caption or self.export_name))
        return csv_response(rows, filename)
