"""The static files as production serves them: collected with production settings, named by the manifest.

With DEBUG off every `{% static %}` goes through the manifest, so a collectstatic that fails (or a page
naming a file the manifest lacks) makes every page a 500. Tests elsewhere serve static files from the
app folders; here they are collected once per session, as the Dockerfile does, and the main page of
every role is rendered through the manifest storage.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from crossings.models import Checkpoint, OfficerAssignment
from scripts.dev import deploy_env
from tests.factories import AdministratorFactory, OfficerFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs

ROOT = Path(__file__).resolve().parents[2]
STATIC_REFERENCE = re.compile(r"""/static/([^"'\s?#)]+)""")
# ManifestStaticFilesStorage inserts the first 12 hex digits of the file's MD5 before the extension.
HASHED_NAME = re.compile(r"\.[0-9a-f]{12}\.\w+$")

ANONYMOUS_PAGES = ["/", "/accounts/login/", "/catalogue/", "/apply/", "/api/docs/"]
OFFICER_PAGES = [
    "/crossings/desk/",
    "/crossings/inside/",
    "/crossings/overstays/",
    "/crossings/today/",
    "/crossings/charts/",
]
MERCHANT_PAGES = ["/portal/", "/portal/listings/", "/portal/shops/", "/portal/listings/import/"]
ADMINISTRATOR_PAGES = [
    "/home/",
    "/registry/applications/",
    "/registry/merchants/",
    "/registry/moderation/",
    "/registry/shops/",
    "/crossings/operations/",
    "/admin/",
]


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """`manage.py collectstatic` with production settings into a temporary STATIC_ROOT, as the Dockerfile runs it."""
    static_root = tmp_path_factory.mktemp("static")
    env = deploy_env(dict(os.environ))
    # The image is built without any secret (none goes into a layer)
    del env["SECRET_KEY"], env["FIELD_ENCRYPTION_KEYS"], env["BLIND_INDEX_KEY"]
    env["STATIC_ROOT"] = str(static_root)
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return static_root


@pytest.fixture
def production_static(collected_static):
    """DEBUG off, the collected files and whitenoise's manifest storage, as in production."""
    from django.conf import settings

    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(
        DEBUG=False,
        STATIC_ROOT=collected_static,
        STORAGES=storages,
        WHITENOISE_USE_FINDERS=False,
        WHITENOISE_AUTOREFRESH=False,
    ):
        yield collected_static


@pytest.fixture
def people(db):
    """An officer at the Chinese checkpoint, a merchant owner with a shop and a listing, an administrator."""
    call_command("crossings_load_reference", verbosity=0)
    officer = OfficerFactory()
    OfficerAssignment.objects.create(officer=officer, checkpoint=Checkpoint.objects.get(code="CN"))
    load_some_hs()
    owner = OwnerFactory()
    ListingFactory(shop=ShopFactory(merchant=owner.merchant))
    return {"officer": officer, "merchant": owner.user, "administrator": AdministratorFactory()}


def static_names(html: str) -> list[str]:
    return STATIC_REFERENCE.findall(html)


def test_collectstatic_with_production_settings_writes_the_manifest(collected_static):
    # Given the files collected as the Docker build collects them, then the manifest is there
    assert (collected_static / "staticfiles.json").is_file()
    assert list((collected_static / "css").glob("horgos.*.css"))
    # and only the hashed names are kept, source maps uncompressed (the build step and the image stay small)
    assert not (collected_static / "css" / "horgos.css").exists()
    assert list(collected_static.rglob("*.map")) and not list(collected_static.rglob("*.map.*"))


def test_vendored_files_name_no_missing_source_map():
    # Given the vendored libraries, then each source map they name sits beside them (collectstatic needs it)
    for path in (ROOT / "static").rglob("*"):
        if path.suffix not in {".js", ".css"}:
            continue
        for reference in re.findall(r"sourceMappingURL=(\S+?)(?:\s|\*/|$)", path.read_text(encoding="utf-8")):
            assert (path.parent / reference).is_file(), f"{path.relative_to(ROOT)} names {reference}"


@pytest.mark.parametrize(
    ("role", "url"),
    [(None, url) for url in ANONYMOUS_PAGES]
    + [("officer", url) for url in OFFICER_PAGES]
    + [("merchant", url) for url in MERCHANT_PAGES]
    + [("administrator", url) for url in ADMINISTRATOR_PAGES],
)
def test_main_pages_render_with_hashed_static_names_when_debug_is_off(production_static, people, role, url):
    # Given DEBUG off and the manifest storage, and a user of the page's role
    client = Client()
    if role:
        client.force_login(people[role])
    # When the page is opened
    response = client.get(url, follow=True)
    # Then it answers 200 and names every static file by its hashed name
    assert response.status_code == 200, (url, response.redirect_chain)
    names = static_names(response.content.decode())
    assert names, f"{url} names no static file"
    unhashed = [name for name in names if not HASHED_NAME.search(name)]
    assert not unhashed, f"{url}: {unhashed}"


@pytest.mark.parametrize("url", ["/", "/api/docs/"])
def test_hashed_static_files_are_served_by_whitenoise(production_static, db, url):
    # Given a page rendered with DEBUG off (the API docs too, with Swagger UI: only the hashed names are
    # kept in STATIC_ROOT)
    client = Client()
    names = static_names(client.get(url).content.decode())
    assert names, url
    # When each static file it names is fetched, then whitenoise serves it from STATIC_ROOT
    for name in names:
        response = client.get(f"/static/{name}")
        assert response.status_code == 200, name
        response.close()
