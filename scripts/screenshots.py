"""Screenshots for the README: the lane desk with a decision, its live panel, the inside-the-zone list, and the
administrators' moderation queue and shop map.

Run through `make screenshots`, which loads the demo data and serves it; this script only drives
Debian's chromium (never a downloaded browser) and writes docs/screenshots/*.png.
"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")

import django  # noqa: E402

django.setup()

from django.utils import timezone  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from crossings.choices import CheckpointCode, Direction, DocumentType, LaneGroup, VisitState  # noqa: E402
from crossings.models import Lane, TravelDocument  # noqa: E402
from crossings.rules import checkpoint_is_open  # noqa: E402
from scripts.dev import DEMO_PASSWORD  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def desk_lane_and_document() -> tuple[Lane, TravelDocument, str]:
    """An open other-nationals entry lane (Kazakh side first), and a Kazakh passport not inside the zone."""
    now = timezone.now()
    lanes = Lane.objects.filter(direction=Direction.ENTRY, group=LaneGroup.OTHER_NATIONALS, is_open=True)
    lane = next(
        (lane for lane in lanes.order_by("-checkpoint__code") if checkpoint_is_open(lane.checkpoint, now)), None
    )
    lane = lane or lanes.order_by("-checkpoint__code").first()
    on_kazakh_side = lane.checkpoint.code == CheckpointCode.KZ
    officer = "officer.kz" if on_kazakh_side else "officer.cn"
    nationality = "CN" if on_kazakh_side else "KZ"
    document = (
        TravelDocument.objects.filter(
            traveller__nationality=nationality, document_type=DocumentType.PASSPORT, valid_until__gt=now.date()
        )
        .exclude(traveller__visits__state=VisitState.OPEN)
        .order_by("id")
        .first()
    )
    return lane, document, officer


def main(base_url: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    lane, document, officer = desk_lane_and_document()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base_url, viewport={"width": 1280, "height": 900})
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(officer)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").last.click()
        page.wait_for_url("**/crossings/desk/")
        page.get_by_label("Your lane").select_option(str(lane.pk))
        page.get_by_role("button", name="Use this lane").click()
        field = page.get_by_label("Document number or machine readable zone")
        field.fill(document.number)
        field.press("Enter")
        page.wait_for_selector(".decision")
        page.screenshot(path=OUT / "lane-desk.png", full_page=True)
        page.locator("#live-panel").screenshot(path=OUT / "live-panel.png")
        page.goto("/crossings/inside/")
        page.screenshot(path=OUT / "inside-the-zone.png", full_page=False)
        phone = browser.new_page(base_url=base_url, viewport={"width": 375, "height": 800}, is_mobile=True)
        phone.context.add_cookies(page.context.cookies())
        phone.goto("/crossings/desk/")
        phone.screenshot(path=OUT / "lane-desk-phone.png", full_page=False)
        administrator = browser.new_page(base_url=base_url, viewport={"width": 1280, "height": 900})
        administrator.goto("/accounts/login/")
        administrator.get_by_label("Username").fill("admin")
        administrator.get_by_label("Password").fill(DEMO_PASSWORD)
        administrator.get_by_role("button", name="Sign in").last.click()
        administrator.wait_for_url("**/")
        administrator.goto("/registry/moderation/")
        administrator.screenshot(path=OUT / "moderation.png", full_page=False)
        administrator.goto("/registry/shops/")
        administrator.screenshot(path=OUT / "shop-map.png", full_page=False)
        browser.close()
    for path in sorted(OUT.glob("*.png")):
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1])
