"""`make bench`'s results: the rows every benchmark reports become one table, a failed script shows as failed, and
the sizes of a benchmark database decide whether it is reused. No timing is asserted here."""

import json

from bench import data
from bench.harness import RESULTS_FILE_VARIABLE, Row, read_rows, report
from scripts.dev import results_table


def test_reported_rows_are_read_back_in_order(tmp_path, monkeypatch):
    # Given a results file named by the environment
    path = tmp_path / "results.jsonl"
    monkeypatch.setenv(RESULTS_FILE_VARIABLE, str(path))
    # When two rows are reported, one with a pipe and Chinese text
    first = report(measure="a | b", figures="绿茶 12 ms", ratio="0.5×", target="≥ 0.5×", met=True)
    second = report(measure="c", figures="3 s", ratio="", target="< 2 s", met=False)
    # Then both are read back as reported
    assert read_rows(str(path)) == [first, second]


def test_the_table_marks_missed_targets_and_escapes_pipes():
    # Given a met row, a missed one and a failed script's row
    rows = [
        Row("nightly | crossings", "0.9 s", "1.2× of small", "< 2 s", True),
        Row("rebuild", "154 s", "64×", "≤ 1.5×", False),
        Row("bench_x.py", "FAILED (exit status 1)", "", "runs to the end", False),
    ]
    # When the table is made
    lines = results_table(rows).splitlines()
    # Then it has a header, a separator and one line per row; missed and failed rows say no, pipes are escaped
    assert lines[0] == "| measure | figures | ratio | target | met |"
    assert lines[2] == "| nightly \\| crossings | 0.9 s | 1.2× of small | < 2 s | yes |"
    assert lines[3].endswith("| **no** |") and lines[4].startswith("| bench_x.py | FAILED (exit status 1) |")
    assert len(lines) == 5


def test_a_database_of_other_sizes_or_generator_is_rebuilt(monkeypatch):
    # Given a small benchmark database whose marker records the sizes asked for
    monkeypatch.setenv("BENCH_CROSSINGS_SMALL", "50000")
    marker = {"version": data.GENERATOR_VERSION, **data.bench_sizes("small")}
    built = []
    monkeypatch.setattr(data, "build", lambda size, url, wanted: built.append(wanted))
    monkeypatch.setattr(data, "_marker", lambda url: json.loads(json.dumps(marker)))
    # When it is asked for with the same sizes, then it is reused
    data.bench_database("small")
    assert built == []
    # When the sizes change, or the generator's version, then it is built again
    monkeypatch.setenv("BENCH_CROSSINGS_SMALL", "60000")
    data.bench_database("small")
    monkeypatch.setenv("BENCH_CROSSINGS_SMALL", "50000")
    monkeypatch.setattr(data, "GENERATOR_VERSION", data.GENERATOR_VERSION + 1)
    data.bench_database("small")
    assert [wanted["crossings"] for wanted in built] == [60000, 50000]
    assert built[1]["version"] == marker["version"] + 1
