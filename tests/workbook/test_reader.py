"""Reading the proposal back after the accountant edited it, in Excel (openpyxl here) or LibreOffice:
each row proven to be the row Relance wrote, whatever was sorted, pasted or edited."""

import shutil

import openpyxl
import pytest

from models.errors import RelanceError
from tests.conftest import libreoffice_convert
from tests.workbook.excel import copy_cells, set_cells, sort, write
from tests.workbook.test_writer import sample_proposal
from workbook.reader import is_open_in_excel, read_proposal, read_status


@pytest.fixture
def written(tmp_path):
    return write(sample_proposal(), tmp_path)


def messages(path):
    return [problem.message for problem in read_proposal(path).problems]


def test_status_of_a_fresh_proposal(written):
    status = read_status(written)
    assert (status.validated, status.validated_value, status.validated_cell) == (False, "Non", "Synthèse!B3")
    assert (status.proposal_id, status.reference_date.isoformat()) == ("abc", "2026-11-23")
    assert (status.prepared_at.isoformat(), status.to_chase) == ("2026-11-23T08:30:00", 1)


def edit(path):
    """What an accountant does: validate, sort whole rows, untick a customer, add a message, add a row."""
    book = openpyxl.load_workbook(path)
    book["Synthèse"]["B3"] = "oui"
    book.save(path)
    sort(path, "Clients", key=lambda row: row["Client"], reverse=True)  # all columns: rows move whole
    set_cells(path, "Clients", "À relancer", {"C1": "Non"})
    set_cells(path, "Clients", "Message", {"C1": "Merci de régler rapidement."})
    book = openpyxl.load_workbook(path)
    book["Clients"].append(["C9", "Ajouté à la main"])
    book.save(path)


def check_edited(edited):
    assert edited.status.validated is True
    assert edited.problems == ()
    assert set(edited.customers) == {"C1", "C2", "C3"}
    c1 = edited.customers["C1"].values
    assert (c1["À relancer"], c1["Message"], c1["Niveau"]) == ("Non", "Merci de régler rapidement.", 2)
    assert edited.customers["C2"].values["Client"] == "=1+2"
    assert set(edited.invoices) == {("C1", "F1"), ("C1", "F2"), ("C2", "@F3"), ("C3", "F4")}
    assert [(a.sheet, a.row, a.values["Code client"]) for a in edited.added] == [("Clients", 5, "C9")]


def test_rows_sorted_whole_are_proven_and_read(written):
    edit(written)
    check_edited(read_proposal(written))


def test_read_back_after_libreoffice_resaves_it(written, tmp_path, lo_profile):
    edit(written)
    resaved = libreoffice_convert(written, tmp_path / "resaved", "xlsx", lo_profile)
    check_edited(read_proposal(resaved))
    book = openpyxl.load_workbook(resaved)
    # LibreOffice keeps the dropdowns, the hidden ID column and the formula of « Libellé niveau ».
    assert any(dv.formula1 == '"Oui,Non"' for dv in book["Clients"].data_validations.dataValidation)
    assert book["Clients"].column_dimensions["W"].hidden
    assert str(book["Clients"]["G2"].value).startswith("=IF(")


def test_a_sort_of_the_visible_columns_leaves_the_ids_behind_and_is_refused(written):
    visible = [c for c in openpyxl.load_workbook(written)["Clients"][1] if c.value != "ID"]
    sort(written, "Clients", key=lambda row: row["Client"], columns=[c.value for c in visible], reverse=True)
    found = messages(written)
    assert len(found) == 3  # every row that moved, each named
    assert found[0].startswith("Onglet Clients, ligne 2 : le code client affiché « C3 » n'est pas celui de ")
    assert "des colonnes ont été triées, déplacées ou collées à part des autres." in found[0]
    assert read_proposal(written).customers == {}  # nothing proven, nothing read


def test_a_sort_of_some_middle_columns_is_seen_by_their_read_only_cells(written):
    # Email, Adresse… sorted alone: code and ID stay together, but the read-only cells moved with them.
    sort(
        written,
        "Clients",
        key=lambda row: str(row["Email"]),
        columns=["Téléphone", "Email", "Adresse", "Ville"],
    )
    found = messages(written)
    assert found and all("ne contien" in m and "plus ce que Relance y avait écrit" in m for m in found)
    assert any("Clients!M" in m and "« Adresse »" in m for m in found)


def test_an_edited_hidden_id_is_refused(written):
    book = openpyxl.load_workbook(written)
    book["Clients"]["W2"].value = book["Clients"]["W2"].value.replace('"C1"', '"C2"')
    book.save(written)
    assert messages(written)[0].startswith(
        "Onglet Clients, ligne 2 : le code client affiché « C1 » n'est pas"
    )
    book["Clients"]["W2"].value = "C:C1"  # the ID of an old proposal, or typed by hand
    book.save(written)
    assert messages(written)[0] == (
        "Onglet Clients, ligne 2 : la cellule cachée Clients!W2 (« ID ») a été modifiée ; Relance ne peut "
        "plus dire à qui est cette ligne."
    )


def test_cells_pasted_from_another_row_are_refused(written):
    copy_cells(written, "Factures", 2, 3, ["Montant TTC", "Reste dû"])  # F1's amounts pasted on F2
    (found,) = messages(written)
    assert found == (
        "Onglet Factures, ligne 3 (C1 / F2) : les cellules Factures!E3 (« Montant TTC »), Factures!F3 "
        "(« Reste dû ») ne contiennent plus ce que Relance y avait écrit : des cellules ont été triées, "
        "collées ou modifiées à part de leur ligne."
    )


def test_a_row_from_another_proposal_is_refused(written, tmp_path):
    (tmp_path / "older").mkdir()
    older = write(sample_proposal(), tmp_path / "older", proposal_id="an-older-one")
    source = openpyxl.load_workbook(older)["Clients"]
    book = openpyxl.load_workbook(written)
    for column in range(1, source.max_column + 1):
        book["Clients"].cell(2, column).value = source.cell(2, column).value
    book.save(written)
    assert any("ne contiennent plus ce que Relance y avait écrit" in m for m in messages(written))


def test_a_row_copied_whole_is_harmless_unless_the_copies_disagree(written):
    book = openpyxl.load_workbook(written)
    sheet = book["Clients"]
    sheet.append([cell.value for cell in sheet[2]])  # C1 twice
    book.save(written)
    assert messages(written) == []
    set_cells(written, "Clients", "À relancer", {"C1": "Non"})  # sets both copies
    book = openpyxl.load_workbook(written)
    book["Clients"]["D5"].value = "Oui"
    book.save(written)
    assert messages(written) == [
        "Onglet Clients, lignes 2 et 5 : deux lignes pour « C1 » disent des choses différentes "
        "(« À relancer » : « Non » et « Oui ») ; supprimez celle qui est fausse."
    ]


def test_a_formula_or_an_error_in_an_editable_cell_is_refused_not_evaluated(written):
    book = openpyxl.load_workbook(written)
    book["Clients"]["V2"].value = "=1+2"  # Message
    book["Factures"]["K3"].value = "=1=1"  # Inclure
    book["Clients"]["V3"].value = "#NAME?"  # what Excel stores for « #NOM? »: an error value
    assert book["Clients"]["V3"].data_type == "e"
    book.save(written)
    found = messages(written)
    assert (
        "Onglet Clients, cellule Clients!V3 (« Message ») : une erreur d'Excel (« #NAME? ») n'est pas lue"
        in (found[1])
    )
    found = [found[0], found[2]]
    assert (
        "Onglet Clients, cellule Clients!V2 (« Message ») : une formule (« =1+2 ») n'est pas lue ; "
        in found[0]
    )
    assert (
        "Onglet Factures, cellule Factures!K3 (« Inclure ») : une formule (« =1=1 ») n'est pas lue"
        in found[1]
    )


def test_a_deleted_column_is_named(written):
    book = openpyxl.load_workbook(written)
    book["Factures"].delete_cols(11)  # Inclure
    book.save(written)
    assert messages(written) == [
        "L'onglet Factures n'a plus la colonne « Inclure » : remettez-la ou lancez « preparer » pour écrire "
        "une nouvelle proposition."
    ]


def test_excel_and_libreoffice_lock_files_mean_open(written):
    assert not is_open_in_excel(written)
    shutil.copy(written, written.with_name("~$" + written.name))
    assert is_open_in_excel(written)
    written.with_name("~$" + written.name).unlink()
    written.with_name(f".~lock.{written.name}#").write_text("x")
    assert is_open_in_excel(written)


def test_a_proposal_saved_in_another_format_is_refused(tmp_path):
    path = tmp_path / "proposition_2026-11-23.ods"
    path.write_bytes(b"PK")
    with pytest.raises(RelanceError, match=r"n'est pas au format \.xlsx"):
        read_status(path)


def test_a_proposal_of_the_previous_version_is_prepared_again(written):
    book = openpyxl.load_workbook(written)
    book["_relance"]["B2"].value = 1
    book.save(written)
    with pytest.raises(RelanceError, match="préparée par une version précédente de Relance"):
        read_proposal(written)


def test_not_a_proposal(tmp_path):
    path = tmp_path / "autre.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(RelanceError) as error:
        read_status(path)
    assert str(error.value) == (
        "La proposition autre.xlsx n'a pas d'onglet « _relance » : ce n'est pas une proposition de Relance, "
        "ou l'onglet a été renommé ou supprimé."
    )


def test_corrupt_file(tmp_path):
    path = tmp_path / "proposition_2026-11-23.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(RelanceError, match="ne peut pas être lue"):
        read_status(path)
