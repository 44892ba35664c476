"""Uploads that would cost a worker gigabytes are refused from their headers, before anything is decoded: a small PNG
declaring 13,000 × 13,000 pixels, an XLSX file whose parts unpack to hundreds of megabytes. An import past the
worker's memory cap fails with a clear message."""

import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageFile

from horgos import spreadsheets
from horgos.spreadsheets import XLSX_PACKED_TOO_TIGHTLY, XLSX_TOO_LARGE_UNPACKED
from merchants.choices import ListingImportState
from merchants.models import Listing, ListingImport
from merchants.services import import_jobs, listings
from merchants.services import imports as import_services
from merchants.services.listings import PHOTO_TOO_MANY_PIXELS
from merchants.spreadsheets import COLUMNS
from merchants.tasks import process_listing_import
from tests.merchants.test_listings_and_api import NEW_LISTING

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOMB_SIDE = 13_000


def png_bomb(width: int = BOMB_SIDE, height: int = BOMB_SIDE) -> SimpleUploadedFile:
    """A valid black-and-white PNG of width × height pixels, a few kilobytes on disk: its rows of zeros are
    compressed as they are made, so the test never holds the decoded image either."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then one bit a pixel
    pixels = b"".join(compressor.compress(row * 500) for _ in range(height // 500))
    pixels += compressor.compress(row * (height % 500)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    content = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return SimpleUploadedFile("bomb.png", content, content_type="image/png")


@pytest.fixture
def no_decoding(monkeypatch):
    """Fails the test if Pillow decodes any pixel: the refusal must come from the header."""

    def decode(self):
        raise AssertionError("the image was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decode)


def too_many_pixels() -> str:
    return str(PHOTO_TOO_MANY_PIXELS % {"megapixels": f"{settings.LISTING_PHOTO_MAX_PIXELS / 1_000_000:g}"})


def stored_files(root: Path) -> list[Path]:
    return [path for path in Path(root).rglob("*") if path.is_file()]


# --- Photos -----------------------------------------------------------------------------------------------


def test_the_bomb_is_small_on_disk_and_large_in_pixels():
    bomb = png_bomb().read()
    assert len(bomb) < 40_000
    assert struct.unpack(">II", bomb[16:24]) == (BOMB_SIDE, BOMB_SIDE)  # IHDR: width, height
    assert zlib.decompressobj().decompress(bomb[41:], 1000) == b"\x00" * 1000  # IDAT: real (empty) rows


def test_a_photo_of_13000_by_13000_pixels_is_refused_before_it_is_decoded(market, media_roots, no_decoding):
    # Given a 13,000 × 13,000 PNG of a few kilobytes, when a merchant's listing is created with it
    before = Listing.objects.count()
    with pytest.raises(ValidationError) as refused:
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=png_bomb(), **NEW_LISTING)
    # Then it is refused for its pixels, from its header (no_decoding), and nothing is written
    assert refused.value.message_dict == {"photo": [too_many_pixels()]}
    assert Listing.objects.count() == before
    assert not stored_files(media_roots.public)


def test_a_photo_just_over_the_pixel_limit_is_refused_and_one_at_it_is_accepted(market, media_roots, settings):
    # Given a limit of 200 × 100 pixels
    settings.LISTING_PHOTO_MAX_PIXELS = 200 * 100
    over, at = io.BytesIO(), io.BytesIO()
    Image.new("RGB", (201, 100)).save(over, format="PNG")
    Image.new("RGB", (200, 100)).save(at, format="PNG")
    # When a photo one column over it is sent, then it is refused; one at it is stored
    with pytest.raises(ValidationError, match=r"more than 0\.02 megapixels"):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a,
                                photo=SimpleUploadedFile("over.png", over.getvalue()), **NEW_LISTING)  # fmt: skip
    listing = listings.listing_create(
        shop=market.shop_a, acting_user=market.owner_a, photo=SimpleUploadedFile("at.png", at.getvalue()), **NEW_LISTING
    )
    assert listing.photo and listing.thumbnail


def test_pillow_refuses_any_image_of_more_than_twice_the_site_limit_as_it_opens_it():
    assert Image.MAX_IMAGE_PIXELS == settings.IMAGE_MAX_PIXELS
    with pytest.raises(Image.DecompressionBombError):
        Image.open(png_bomb())


def test_the_portal_form_shows_the_pixel_error_and_writes_nothing(market, owner_client, media_roots, no_decoding):
    from tests.merchants.test_portal_views import listing_body

    before = Listing.objects.count()
    response = owner_client.post(reverse("merchants:portal-listing-new"), listing_body(market.shop_a, photo=png_bomb()))

    assert response.status_code == 200
    assert too_many_pixels() in response.content.decode()
    assert Listing.objects.count() == before
    assert not stored_files(media_roots.public)


def test_the_api_answers_400_on_the_photo_and_writes_nothing(market, api_client_for, media_roots, no_decoding):
    before = Listing.objects.count()
    response = api_client_for(market.owner_a).post(
        "/api/v1/listings/", {**NEW_LISTING, "shop": market.shop_a.pk, "photo": png_bomb()}, format="multipart"
    )

    assert response.status_code == 400
    assert "photo" in response.json()["error"]["fields"]
    assert Listing.objects.count() == before
    assert not stored_files(media_roots.public)


# --- Spreadsheets ---------------------------------------------------------------------------------------


def xlsx_with_a_long_cell(text_bytes: int, *, name: str = "listings.xlsx") -> SimpleUploadedFile:
    """A valid workbook of the import's columns whose one data row holds a text of `text_bytes` letters, written
    into the zip in pieces (the test never holds it whole): a few hundred kilobytes for 300 MB."""
    workbook = openpyxl.Workbook()
    workbook.active.append(list(COLUMNS))
    template = io.BytesIO()
    workbook.save(template)
    header = "".join(f'<c t="inlineStr"><is><t>{column}</t></is></c>' for column in COLUMNS)
    result = io.BytesIO()
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, source.read(member))
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet '
                    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    + f'<row r="1">{header}</row><row r="2"><c r="A2" t="inlineStr"><is><t>'.encode()
                )
                piece = b"x" * (1024 * 1024)
                for _ in range(text_bytes // len(piece)):
                    sheet.write(piece)
                sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return SimpleUploadedFile(name, result.getvalue(), content_type=XLSX_TYPE)


@pytest.fixture
def no_workbook_parsing(monkeypatch):
    def parse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(spreadsheets.openpyxl, "load_workbook", parse)


def unpacked_too_large() -> str:
    return str(XLSX_TOO_LARGE_UNPACKED % {"megabytes": settings.SPREADSHEET_MAX_UNPACKED_BYTES // (1024 * 1024)})


def test_an_xlsx_holding_a_300_mb_text_is_refused_before_it_is_parsed(
    market, signed_in, media_roots, no_workbook_parsing
):
    # Given a workbook of a few hundred kilobytes whose sheet unpacks to 300 MB
    bomb = xlsx_with_a_long_cell(300 * 1024 * 1024)
    assert bomb.size < 1024 * 1024
    # When a merchant uploads it on the import page
    response = signed_in(market.owner_a).post(reverse("merchants:listing-import"), {"file": bomb})
    # Then the form says why, from the zip's directory (nothing was parsed), and nothing is stored
    assert response.status_code == 200
    assert unpacked_too_large() in response.content.decode()
    assert ListingImport.objects.count() == 0
    assert not stored_files(media_roots.private)


def test_a_large_part_packed_a_thousand_times_over_is_refused_under_the_total_limit(market, no_workbook_parsing):
    # Given a workbook unpacking to 3 MB in all (under the 50 MB limit), its sheet packed ~1000 times over
    bomb = xlsx_with_a_long_cell(3 * 1024 * 1024)
    # When its rows are read (as every import reads them), then it is refused as a bomb
    with pytest.raises(ValidationError) as refused:
        import_services.listing_import_upload(acting_user=market.owner_a, upload=bomb)
    assert refused.value.message_dict == {"file": [str(XLSX_PACKED_TOO_TIGHTLY)]}
    assert ListingImport.objects.count() == 0


def test_a_workbook_under_the_limits_is_read(market, settings):
    # Given limits the test's small workbook stays within (its one long text packs tightly), its row is read as usual
    settings.SPREADSHEET_MAX_COMPRESSION_RATIO = 10_000
    rows = list(spreadsheets.xlsx_records(xlsx_with_a_long_cell(1024 * 1024).read()))
    assert rows[0] == tuple(COLUMNS) and len(rows[1][0]) == 1024 * 1024
    # and one unpacking to a byte more than the total limit is refused
    settings.SPREADSHEET_MAX_UNPACKED_BYTES = 1024 * 1024
    with pytest.raises(ValidationError, match="unpacks to more than 1 MB"):
        spreadsheets.xlsx_check_unpacked_size(xlsx_with_a_long_cell(1024 * 1024).read())


# --- The worker's memory cap --------------------------------------------------------------------------------


def test_a_capped_process_gets_a_memory_error_instead_of_the_memory():
    # A separate process, capped at 64 MB more than it holds, asks for 512 MB
    script = (
        "from horgos.celery import cap_memory\n"
        "cap_memory(64 * 1024 * 1024)\n"
        "small = bytearray(16 * 1024 * 1024)\n"
        "try:\n"
        "    bytearray(512 * 1024 * 1024)\n"
        "except MemoryError:\n"
        "    print('refused')\n"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "refused", result.stderr


def test_an_import_past_the_memory_cap_fails_with_a_clear_message(market, monkeypatch):
    # Given a file waiting for its check, and a check that runs out of memory
    from tests.merchants.test_imports import csv_upload, row

    job = import_services.listing_import_upload(
        acting_user=market.owner_a, upload=csv_upload([row(market.shop_a.unit_code)] * 3)
    )
    ListingImport.objects.filter(pk=job.pk).update(state=ListingImportState.PENDING)

    def out_of_memory(**kwargs):
        raise MemoryError

    monkeypatch.setattr("merchants.tasks.listing_import_process", out_of_memory)
    # When the task runs, then the job failed, saying what to do
    assert process_listing_import.delay(job.pk).get() == ListingImportState.FAILED
    job.refresh_from_db()
    assert (job.state, job.failure) == (ListingImportState.FAILED, str(import_jobs.TOO_BIG))


def test_celery_workers_are_capped():
    assert settings.CELERY_WORKER_MEMORY_HEADROOM_MB > 0
    assert settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD > 0


# --- Large files are read by the worker -------------------------------------------------------------------


def test_a_large_file_is_read_row_by_row_only_by_the_task(
    market, signed_in, monkeypatch, django_capture_on_commit_callbacks
):
    from tests.merchants.test_imports import csv_upload, row

    # Given a file over the size read in the request (here 10 KB), of fewer rows than SYNC_ROWS
    monkeypatch.setattr(import_services, "SYNC_READ_MAX_BYTES", 10_000)
    rows = [row(market.shop_a.unit_code, title_en=f"Rug {number}") for number in range(150)]
    large = csv_upload(rows)
    assert large.size > import_services.SYNC_READ_MAX_BYTES and len(rows) < import_services.SYNC_ROWS
    read_rows = import_services.read_rows

    def not_in_the_request(*args, **kwargs):
        raise AssertionError("the rows were read in the request")

    # When it is uploaded, then the request checks its header only and hands it to the task
    monkeypatch.setattr(import_services, "read_rows", not_in_the_request)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = import_services.listing_import_upload(acting_user=market.owner_a, upload=large)
    assert (job.state, job.total_rows, len(callbacks)) == (ListingImportState.PENDING, 0, 1)
    progress = signed_in(market.owner_a).get(reverse("merchants:listing-import-progress", args=[job.pk]))
    assert "Checking the rows…" in progress.content.decode()  # no count yet
    # and the task (a worker) reads and checks every row
    monkeypatch.setattr(import_services, "read_rows", read_rows)
    callbacks[0]()
    job.refresh_from_db()
    assert (job.state, job.total_rows, job.valid_rows) == (ListingImportState.VALIDATED, 150, 150)


def test_a_large_file_with_a_wrong_header_is_refused_in_the_request(market, monkeypatch):
    from tests.merchants.test_imports import xlsx_upload

    monkeypatch.setattr(import_services, "SYNC_READ_MAX_BYTES", 10_000)
    large = xlsx_upload([[f"{number}", "x" * 100, "1"] for number in range(1000)], header=["shop", "title", "cost"])
    assert large.size > import_services.SYNC_READ_MAX_BYTES
    with pytest.raises(ValidationError, match="not in the template: title, cost"):
        import_services.listing_import_upload(acting_user=market.owner_a, upload=large)
    assert ListingImport.objects.count() == 0
