"""Services lock only the rows they mean to change (`select_for_update(of=("self",))`), never the rows they join to
read beside them: PostgreSQL's plain FOR UPDATE locks every joined table too."""

import re
from pathlib import Path

APPS = ("horgos", "crossings", "merchants", "trade")


def locked_tables(queries) -> list[str]:
    """The FOR UPDATE clause of every locking query: 'OF "table"' when it names its table, 'ALL' when it does not."""
    clauses = []
    for query in queries:
        match = re.search(r"FOR UPDATE( OF (.+?))?( NOWAIT| SKIP LOCKED)?$", query["sql"])
        if match:
            clauses.append(match.group(2) or "ALL")
    return clauses


def test_every_lock_in_the_code_names_its_own_rows():
    root = Path(__file__).resolve().parents[2]
    unnamed = [
        f"{path.relative_to(root)}:{number}"
        for app in APPS
        for path in (root / app).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if "select_for_update(" in line and 'of=("self",)' not in line
    ]
    assert unnamed == []
