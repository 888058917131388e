"""Records of a text file: pandas' C parser and Python's csv give the same cells and line numbers."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from sources.csv_text import _slow, physical_lines, read_records

CELL = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\x1f"), max_size=8),
    st.sampled_from(['"', '""', 'a"b', ' "x"', '"a";b', "1 234,56", "", "  "]),
)
ROW = st.lists(CELL, min_size=0, max_size=6)


def written(rows: list[list[str]], separator: str, ending: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=separator, lineterminator=ending).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def cells_of(records) -> list[tuple[int, int, list[str]]]:
    frame = records.cells
    out = []
    for position in range(len(frame)):
        cells = [str(c) for c in frame.iloc[position].tolist()]
        while cells and cells[-1] == "":
            cells.pop()
        out.append((int(records.first[position]), int(records.last[position]), cells))
    return out


@settings(max_examples=300, deadline=None)
@given(st.lists(ROW, min_size=1, max_size=8), st.sampled_from([";", ",", "\t", "|"]),
       st.sampled_from(["\n", "\r\n"]))
def test_the_fast_and_the_slow_reading_agree(rows, separator, ending) -> None:
    raw = written(rows, separator, ending)
    width = max((len(r) for r in rows), default=1)
    got = read_records(raw, separator, width, need_fields=True)
    slow = _slow(raw.decode("utf-8"), separator, width, physical_lines(raw), True)
    assert cells_of(got) == cells_of(slow)
    assert got.lines == slow.lines == physical_lines(raw)
    assert got.fields.tolist() == slow.fields.tolist()
    # Every line is some record's: the records tile the file.
    if len(got.first):
        assert got.first[0] == 1 and got.last[-1] == got.lines
        assert (got.first[1:] == got.last[:-1] + 1).all()
