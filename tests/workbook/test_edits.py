"""The accountant's edits read back: yes/no in every spelling, unknown values stop with their cell."""

from decimal import Decimal

import openpyxl
import pytest

from models.errors import RelanceError
from models.settings import Settings
from tests.workbook.test_writer import PREPARED, sample_proposal
from workbook.edits import read_choices
from workbook.reader import read_proposal
from workbook.writer import write_proposal


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "proposition_2026-11-23.xlsx"
    write_proposal(sample_proposal(), path, prepared_at=PREPARED, proposal_id="abc", files=["f.csv"])
    return path


def set_cells(path, sheet, column, values):
    """Write `values` (customer code or invoice number -> value) in `column` of `sheet`."""
    book = openpyxl.load_workbook(path)
    table = book[sheet]
    headers = [c.value for c in table[1]]
    key = headers.index("Code client" if sheet == "Clients" else "N° facture")
    target = headers.index(column)
    for row in table.iter_rows(min_row=2):
        if row[key].value in values:
            row[target].value = values[row[key].value]
    book.save(path)


def choices(path):
    return read_choices(read_proposal(path), Settings())


def test_written_values_read_back_as_written(written):
    result = choices(written)
    assert list(result.customers) == ["C1", "C2", "C3"]
    c1 = result.customers["C1"]
    assert (c1.chase, c1.level, c1.channel, c1.email, c1.where) == (
        True, 2, "email", "compta@client.example", "Clients, ligne 2",
    )  # fmt: skip
    assert result.included == {
        ("C1", "F1"): True,
        ("C1", "F2"): True,
        ("C2", "@F3"): True,
        ("C3", "F4"): False,
    }
    assert result.shown_remaining[("C1", "F1")] == Decimal("1200.50")
    assert result.ignored == ()


SPELLINGS = [("OUI", True), ("o", True), ("x", True), (1, True), ("Vrai", True), ("non", False), ("", False),
             ("N", False)]  # fmt: skip


@pytest.mark.parametrize(("value", "expected"), SPELLINGS)
def test_yes_and_no_in_every_spelling(written, value, expected):
    set_cells(written, "Clients", "À relancer", {"C1": value})
    assert choices(written).customers["C1"].chase is expected


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("Niveau", 7, "Niveau inconnu dans la proposition, onglet Clients, cellule Clients!G2 : « 7 » ; "
                      "niveaux possibles : 1, 2, 3."),
        ("Canal", "Fax", "Canal inconnu dans la proposition, onglet Clients, cellule Clients!I2 : « Fax » ; "
                         "canaux possibles : Email, Courrier, Email + courrier, Téléphone."),
        ("À relancer", "peut-être", "Valeur incomprise dans la proposition, onglet Clients, cellule "
                                    "Clients!J2 (« À relancer ») : « peut-être » ; mettez Oui ou Non."),
    ],
)  # fmt: skip
def test_meaningless_values_stop_naming_their_cell(written, column, value, message):
    set_cells(written, "Clients", column, {"C1": value})
    with pytest.raises(RelanceError) as error:
        choices(written)
    assert str(error.value) == message


def test_channel_and_level_spellings(written):
    set_cells(written, "Clients", "Canal", {"C1": "EMAIL+COURRIER", "C2": "telephone"})
    set_cells(written, "Clients", "Niveau", {"C1": "Niveau 3", "C2": "1"})
    result = choices(written)
    assert (result.customers["C1"].channel, result.customers["C1"].level) == ("email+courrier", 3)
    assert (result.customers["C2"].channel, result.customers["C2"].level) == ("telephone", 1)


def test_invoice_untick_and_added_rows(written):
    set_cells(written, "Factures", "Inclure", {"F2": "Non"})
    book = openpyxl.load_workbook(written)
    book["Clients"].append(["C9", "Nouveau client"])
    book.save(written)
    result = choices(written)
    assert result.included[("C1", "F2")] is False
    assert result.ignored == (
        "Ligne ajoutée à la main ignorée : onglet Clients, ligne 5 (C9 Nouveau client).",
    )
