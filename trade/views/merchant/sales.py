"""Merchant staff at the till: record a sale against the buyer's allowance, the receipt, voiding; the sales list is
shared with administrators (each sees what `Sale.objects.visible_to` allows)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from crossings.selectors.lists import mask_document_number
from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import FilteredTableView, posted
from horgos.roles import role_required
from trade.choices import SaleState
from trade.filtersets import SaleFilterSet
from trade.forms import SaleForm, SaleLineFormSet, VoidForm
from trade.selectors.sales import (
    buyer_for_merchant,
    document_from_scan,
    listings_for_sale,
    sale_preview,
    sale_receipt,
    sales_visible_to,
    selling_shops,
)
from trade.services.sales import BUYER_NOT_INSIDE, AllowanceExceeded, SaleLineInput, sale_record, sale_void
from trade.tables import SaleTable

SALE_RECORDED = _("Sale %(receipt)s recorded.")
SALE_VOIDED = _("Sale %(receipt)s voided; the allowance it used is given back.")
PAGE_SIZE = 50


@role_required(Role.MERCHANT)
def sale_new(request: HttpRequest) -> HttpResponse:
    """Scan the buyer, choose the products, check what remains of the allowance, then confirm."""
    form = SaleForm(posted(request), shops=selling_shops(request.user))
    lines = SaleLineFormSet(posted(request), form_kwargs={"listings": listings_for_sale(request.user)}, prefix="line")
    context = {"form": form, "lines": lines}
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        chosen = [(line["listing"], line["quantity"]) for line in lines.cleaned_data if line.get("listing")]
        context["preview"] = sale_preview(chosen)
        document = document_from_scan(form.cleaned_data["scan"], today=timezone.localdate())
        if isinstance(document, str):
            form.add_error("scan", document)
            return render(request, "trade/merchant/sale_form.html", context, status=400)
        try:
            context["buyer"] = buyer = buyer_for_merchant(document)
            if buyer.use is None:
                form.add_error("scan", BUYER_NOT_INSIDE)
            elif "confirm" in request.POST:
                sale = sale_record(
                    shop=form.cleaned_data["shop"],
                    document=document,
                    receipt_number=form.cleaned_data["receipt_number"],
                    lines=[SaleLineInput(listing, quantity) for listing, quantity in chosen],
                    acting_user=request.user,
                )
                messages.success(request, SALE_RECORDED % {"receipt": sale.receipt_number})
                return redirect("trade:sale", sale.pk)
        except AllowanceExceeded as refused:
            form.add_error(None, refused)
        except ValidationError as error:
            show_service_error(form, error, field_map={"buyer": "scan", "lines": "__all__"})
        if form.errors:
            return render(request, "trade/merchant/sale_form.html", context, status=400)
        context["ready"] = True
    return render(request, "trade/merchant/sale_form.html", context)


class SaleListView(FilteredTableView):
    """Sales with filters, their merchant's for staff and all of them for administrators; `?export=csv` or
    `?export=xlsx` downloads every filtered row."""

    allowed_roles = (Role.MERCHANT, Role.ADMINISTRATOR)
    template_name = "trade/sales.html"
    table_class = SaleTable
    table_caption = _("Sales")
    filterset_class = SaleFilterSet
    export_name = "sales"
    export_formats = ("csv", "xlsx")

    def get_queryset(self):
        return sales_visible_to(self.request.user)


@role_required(Role.MERCHANT, Role.ADMINISTRATOR)
def sale_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt, printable; its merchant's staff may void it here."""
    sale = sale_receipt(user=request.user, pk=pk)
    if sale is None:
        raise Http404
    may_void = request.user.role == Role.MERCHANT and sale.state == SaleState.RECORDED
    return render(request, "trade/merchant/receipt.html", _receipt_context(sale, VoidForm() if may_void else None))


def _receipt_context(sale, void_form) -> dict:
    return {"sale": sale, "masked_number": mask_document_number(sale.document.number), "void_form": void_form}


@require_POST
@role_required(Role.MERCHANT)
def sale_void_view(request: HttpRequest, pk: int) -> HttpResponse:
    sale = sale_receipt(user=request.user, pk=pk)
    if sale is None:
        raise Http404
    form = VoidForm(request.POST)
    if form.is_valid():
        try:
            sale_void(sale=sale, reason=form.cleaned_data["reason"], acting_user=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, SALE_VOIDED % {"receipt": sale.receipt_number})
            return redirect("trade:sale", sale.pk)
    return render(request, "trade/merchant/receipt.html", _receipt_context(sale, form), status=400)
