"""Reading the proposal back after the accountant edited it, in Excel (openpyxl here) or LibreOffice."""

import shutil

import openpyxl
import pytest

from models.errors import RelanceError
from tests.conftest import libreoffice_convert
from tests.workbook.test_writer import PREPARED, sample_proposal
from workbook.reader import is_open_in_excel, read_proposal, read_status
from workbook.writer import write_proposal


@pytest.fixture
def written(tmp_path):
    path = tmp_path / "proposition_2026-11-23.xlsx"
    write_proposal(sample_proposal(), path, prepared_at=PREPARED, proposal_id="abc", files=["f.csv"])
    return path


def edit(path):
    """What an accountant does: validate, untick a customer, add a message, sort, add a row by hand."""
    book = openpyxl.load_workbook(path)
    book["Synthèse"]["B3"] = "oui"
    clients = book["Clients"]
    table = [[c.value for c in row] for row in clients.iter_rows(min_row=2)]
    table.reverse()  # sorted the other way round: rows move, IDs move with them
    for r, values in enumerate(table, start=2):
        for c, value in enumerate(values, start=1):
            cell = clients.cell(r, c, value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # as Excel keeps a text cell text when rows are sorted
    for row in clients.iter_rows(min_row=2):
        if row[0].value == "C1":
            row[9].value = "Non"
            row[13].value = "Merci de régler rapidement."
    clients.append(["C9", "Ajouté à la main"])
    book.save(path)


def test_status_of_a_fresh_proposal(written):
    status = read_status(written)
    assert (status.validated, status.validated_value, status.validated_cell) == (False, "Non", "Synthèse!B3")
    assert (status.proposal_id, status.reference_date.isoformat()) == ("abc", "2026-11-23")


def test_edited_rows_are_matched_by_hidden_id(written):
    edit(written)
    check_edited(read_proposal(written))


def check_edited(edited):
    assert edited.status.validated is True
    assert set(edited.customers) == {"C:C1", "C:C2", "C:C3"}
    c1 = edited.customers["C:C1"].values
    assert (c1["À relancer"], c1["Message"], c1["Niveau"]) == ("Non", "Merci de régler rapidement.", 2)
    assert edited.customers["C:C2"].values["Client"] == "=1+2"
    assert set(edited.invoices) == {"F:C1:F1", "F:C1:F2", "F:C2:@F3", "F:C3:F4"}
    assert [(a.sheet, a.row, a.values["Code client"]) for a in edited.added] == [("Clients", 5, "C9")]


def test_read_back_after_libreoffice_resaves_it(written, tmp_path, lo_profile):
    edit(written)
    resaved = libreoffice_convert(written, tmp_path / "resaved", "xlsx", lo_profile)
    check_edited(read_proposal(resaved))
    book = openpyxl.load_workbook(resaved)
    # LibreOffice keeps the dropdowns and the hidden ID column.
    assert any(dv.formula1 == '"Oui,Non"' for dv in book["Clients"].data_validations.dataValidation)
    assert book["Clients"].column_dimensions["R"].hidden


def test_not_a_proposal(tmp_path):
    path = tmp_path / "autre.xlsx"
    book = openpyxl.Workbook()
    book.save(path)
    with pytest.raises(RelanceError) as error:
        read_status(path)
    assert str(error.value) == (
        "La proposition autre.xlsx n'a pas d'onglet « _relance » : ce n'est pas une proposition de Relance, "
        "ou l'onglet a été renommé ou supprimé."
    )


def test_deleted_column_is_named(written):
    book = openpyxl.load_workbook(written)
    book["Factures"].delete_cols(11)  # Inclure
    book.save(written)
    with pytest.raises(RelanceError) as error:
        read_proposal(written)
    assert str(error.value) == (
        "Dans la proposition proposition_2026-11-23.xlsx, l'onglet Factures n'a plus de colonne "
        "« Inclure » : remettez-la ou préparez une nouvelle proposition."
    )


def test_excel_owner_file_means_open_in_excel(written):
    assert not is_open_in_excel(written)
    shutil.copy(written, written.with_name("~$" + written.name))
    assert is_open_in_excel(written)


def test_corrupt_file(tmp_path):
    path = tmp_path / "proposition_2026-11-23.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(RelanceError, match="ne peut pas être lue"):
        read_status(path)
