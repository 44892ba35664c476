"""Small helpers of the merchants page tests."""

from django.urls import reverse


def url(name: str, *args) -> str:
    """The address of a merchants page by its URL name, e.g. url("registry-merchant", merchant.pk)."""
    return reverse(f"merchants:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def table_rows(response) -> list:
    """The records on the page's table (django-tables2), in the order shown, this page only."""
    return [row.record for row in response.context["table"].paginated_rows]
