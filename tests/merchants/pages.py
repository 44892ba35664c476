"""Small helpers of the merchants page tests."""

from django.urls import reverse


def url(name: str, *args) -> str:
    """The address of a merchants page by its URL name, e.g. url("registry-merchant", merchant.pk)."""
    return reverse(f"merchants:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]
