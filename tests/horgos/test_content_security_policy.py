"""The Content-Security-Policy: on every response (pages, API, errors, static files), nothing inline allowed, and no
template with anything inline that it would refuse. tests/browser/test_content_security_policy.py proves the pages
work under it in a browser."""

import json
import re
from pathlib import Path

import pytest
from django.test import Client

from tests.crossings.conftest import zone  # noqa: F401
from tests.factories import AdministratorFactory
from tests.horgos.test_health_and_errors import database_down  # noqa: F401

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
# Rendered to PDF by WeasyPrint, never sent to a browser: their <style> blocks are the PDF's page layout.
PDF_TEMPLATES = {"crossings/reports/annual_report_pdf.html", "trade/declaration.html"}
INLINE = {
    "a <script> with a body": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "a <style> block": re.compile(r"<style[\s>]", re.I),
    "a style attribute": re.compile(r"\sstyle=", re.I),
    "an event handler attribute": re.compile(r"\son[a-z]+=", re.I),
    "a javascript: address": re.compile(r"javascript:", re.I),
}


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {name: value.strip() for name, _, value in (part.strip().partition(" ") for part in header.split(";"))}


def assert_policy(response) -> None:
    policy = policy_of(response)
    assert {name: policy.get(name) for name in EXPECTED} == EXPECTED, response["Content-Security-Policy"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/", 200),
        ("/accounts/login/", 200),
        ("/catalogue/", 200),
        ("/api/docs/", 200),
        ("/api/v1/catalogue/", 200),
        ("/api/v1/me/", 401),
        ("/api/v1/no-such-thing/", 404),
        ("/no-such-page/", 404),
        ("/home/", 302),
        ("/static/css/horgos.css", 200),
    ],
)
def test_every_kind_of_response_carries_the_policy(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert_policy(response)


def test_pages_of_a_signed_in_user_and_the_admin_carry_the_policy(client):
    client.force_login(AdministratorFactory())
    for path in ("/home/", "/account/", "/admin/", "/admin/horgos/user/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_policy(response)


def test_errors_answered_outside_the_views_carry_the_policy(database_down, settings):  # noqa: F811
    client = Client(raise_request_exception=False)
    assert_policy(client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc"))  # 503, the database is down
    settings.REQUEST_BODY_MAX_BYTES = 10
    too_large = client.post("/accounts/login/", {"username": "x" * 100})
    assert too_large.status_code == 413
    assert_policy(too_large)


def test_no_template_has_anything_inline_that_the_policy_refuses():
    found = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        name = template.relative_to(ROOT / "templates").as_posix()
        if name in PDF_TEMPLATES:
            continue
        text = template.read_text()
        found += [f"{name}: {what}" for what, pattern in INLINE.items() if pattern.search(text)]
    assert not found, "\n".join(found)


def test_swagger_ui_gets_its_script_from_its_own_address(client):
    # drf-spectacular's own template has its start-up script inline; ours loads it from ?script
    page = client.get("/api/docs/").content.decode()
    assert not INLINE["a <script> with a body"].search(page) and not INLINE["a <style> block"].search(page)
    assert '<script src="/api/docs/?script="' in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


def htmx_config(page: str) -> dict:
    configs = re.findall(r"""<meta name="htmx-config" content='([^']*)'>""", page)
    assert len(configs) == 1, "htmx reads the first htmx-config only"
    return json.loads(configs[0])


def test_htmx_is_told_not_to_insert_its_styles_and_not_to_evaluate(client):
    config = htmx_config(client.get("/").content.decode())
    assert config == {"includeIndicatorStyles": False, "allowEval": False}
    assert ".htmx-indicator" in (ROOT / "static" / "css" / "horgos.css").read_text()


def test_a_page_of_its_own_htmx_settings_keeps_the_sites(client, zone):  # noqa: F811
    client.force_login(zone.cn_officer)
    config = htmx_config(client.get("/crossings/desk/").content.decode())
    assert config["includeIndicatorStyles"] is False and config["allowEval"] is False
    assert {"code": "[2345]..", "swap": True} in config["responseHandling"]  # the desk shows 4xx answers
