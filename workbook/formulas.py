"""Which cells of an edited workbook hold a formula or an error value: read from the sheets' XML.

calamine gives a formula's last result (`=1+2` reads as 3) and cannot say that it was a formula: an
editable cell holding one must be refused with its cell named, never evaluated nor dropped.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from lxml import etree

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_COLUMN = re.compile(r"[A-Z]+")


def formula_cells(path: Path, columns: Mapping[str, Iterable[str]]) -> dict[str, dict[str, str]]:
    """For each sheet of `columns` (sheet name -> column letters to look at), the cells of those columns
    that hold a formula (« =1+2 ») or an error value (« #NOM? »), by reference (« N5 »)."""
    found: dict[str, dict[str, str]] = {name: {} for name in columns}
    with zipfile.ZipFile(path) as archive:
        for name, part in _sheet_parts(archive).items():
            if name not in columns:
                continue
            wanted = set(columns[name])
            with archive.open(part) as stream:
                for _, cell in etree.iterparse(stream, tag=f"{{{_MAIN}}}c", huge_tree=True):
                    reference = cell.get("r", "")
                    letters = _COLUMN.match(reference)
                    if letters and letters.group(0) in wanted:
                        content = _formula_or_error(cell)
                        if content:
                            found[name][reference] = content
                    cell.clear()
    return found


def _formula_or_error(cell: etree._Element) -> str:
    formula = cell.find(f"{{{_MAIN}}}f")
    if formula is not None:
        return "=" + (formula.text or "…")
    if cell.get("t") == "e":
        value = cell.find(f"{{{_MAIN}}}v")
        return value.text if value is not None and value.text else "#ERREUR"
    return ""


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its XML part in the archive, through the workbook's relationships."""
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    relations = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(f"{{{_PACKAGE}}}Relationship")}
    parts = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELATIONSHIPS}}}id"), "")
        if not target:
            continue
        part = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        parts[sheet.get("name", "")] = part
    return parts
