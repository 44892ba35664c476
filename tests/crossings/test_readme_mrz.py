"""The MRZs the README offers newcomers to paste into the desk pass every check digit."""

import re
from datetime import date
from pathlib import Path

from crossings.mrz import parse_mrz

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_mrzs_parse_with_every_check_digit():
    blocks = re.findall(r"```\n((?:[A-Z0-9<]{30,44}\n){2,3})```", README.read_text())
    assert len(blocks) == 2
    zones = [parse_mrz(block, today=date(2026, 11, 25)) for block in blocks]
    assert [(zone.family_name, zone.issuing_country) for zone in zones] == [("Seitkali", "KZ"), ("Zhao", "CN")]
