"""The accountant's edits read back: yes/no in every spelling; every value that means nothing is a problem
naming its cell, all of them at once; an email moved from another customer's row is refused."""

from decimal import Decimal

import pytest

from models.settings import Settings
from tests.workbook.excel import set_cells, sort, write
from tests.workbook.test_writer import sample_proposal
from workbook.edits import read_choices
from workbook.reader import read_proposal

EMAILS = {"C1": "compta@client.example", "C2": "", "C3": "a@b.example"}


@pytest.fixture
def written(tmp_path):
    return write(sample_proposal(), tmp_path)


def choices(path, emails=EMAILS):
    return read_choices(read_proposal(path), Settings(), emails)


def test_written_values_read_back_as_written(written):
    result = choices(written)
    assert list(result.customers) == ["C1", "C2", "C3"]
    c1 = result.customers["C1"]
    assert (c1.chase, c1.level, c1.channel, c1.email, c1.where, c1.email_cell) == (
        True, 2, "email", "compta@client.example", "Clients, ligne 2", "Clients!L2",
    )  # fmt: skip
    assert result.included == {
        ("C1", "F1"): True,
        ("C1", "F2"): True,
        ("C2", "@F3"): True,
        ("C3", "F4"): False,
    }
    assert result.shown_remaining[("C1", "F1")] == Decimal("1200.50")
    assert result.ignored == () and result.problems == ()


SPELLINGS = [("OUI", True), ("o", True), ("x", True), (1, True), ("Vrai", True), ("non", False), ("", False),
             ("N", False)]  # fmt: skip


@pytest.mark.parametrize(("value", "expected"), SPELLINGS)
def test_yes_and_no_in_every_spelling(written, value, expected):
    set_cells(written, "Clients", "À relancer", {"C1": value})
    assert choices(written).customers["C1"].chase is expected


def test_every_meaningless_value_is_a_problem_naming_its_cell(written):
    set_cells(written, "Clients", "Niveau", {"C1": 7})
    set_cells(written, "Clients", "Canal", {"C1": "Fax"})
    set_cells(written, "Clients", "À relancer", {"C3": "peut-être"})
    set_cells(written, "Factures", "Inclure", {"F2": "bof"})
    assert [p.message for p in choices(written).problems] == [
        "Niveau inconnu dans la proposition, onglet Clients, cellule Clients!F2 : « 7 » ; "
        "niveaux possibles : 1, 2, 3.",
        "Canal inconnu dans la proposition, onglet Clients, cellule Clients!J2 : « Fax » ; "
        "canaux possibles : Email, Courrier, Email + courrier, Téléphone.",
        "Valeur incomprise dans la proposition, onglet Clients, cellule Clients!D4 (« À relancer ») : "
        "« peut-être » ; mettez Oui ou Non.",
        "Valeur incomprise dans la proposition, onglet Factures, cellule Factures!K3 (« Inclure ») : "
        "« bof » ; mettez Oui ou Non.",
    ]


def test_channel_and_level_spellings(written):
    set_cells(written, "Clients", "Canal", {"C1": "EMAIL+COURRIER", "C2": "telephone"})
    set_cells(written, "Clients", "Niveau", {"C1": "Niveau 3", "C2": "1"})
    result = choices(written)
    assert (result.customers["C1"].channel, result.customers["C1"].level) == ("email+courrier", 3)
    assert (result.customers["C2"].channel, result.customers["C2"].level) == ("telephone", 1)


def test_invoice_untick_and_added_rows(written):
    import openpyxl

    set_cells(written, "Factures", "Inclure", {"F2": "Non"})
    book = openpyxl.load_workbook(written)
    book["Clients"].append(["C9", "Nouveau client"])
    book.save(written)
    result = choices(written)
    assert result.included[("C1", "F2")] is False
    assert result.ignored == (
        "Ligne ajoutée à la main ignorée : onglet Clients, ligne 5 (C9 Nouveau client).",
    )


def test_a_deleted_customer_row_is_not_chased_and_said(written):
    import openpyxl

    book = openpyxl.load_workbook(written)
    sheet = book["Clients"]
    (row,) = [r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == "C1"]
    sheet.delete_rows(row)  # the whole row, as Excel's « Supprimer des lignes »
    book.save(written)
    result = choices(written)
    assert list(result.customers) == ["C2", "C3"] and result.problems == ()
    invoices = sum(1 for code, _ in result.included if code == "C1")
    assert invoices > 1
    assert result.ignored == (
        f"Client C1 : sa ligne a été supprimée de l'onglet Clients : pas de relance ({invoices} factures "
        "de l'onglet Factures ignorées).",
    )


def test_an_email_column_sorted_alone_is_refused(written):
    # The Email column alone, sorted: each address lands on another customer's row. No read-only cell moved
    # with it, but an address that is another customer's own, gone from that customer's row, is no edit.
    sort(written, "Clients", key=lambda row: str(row["Email"] or ""), columns=["Email"], reverse=True)
    found = [p.message for p in choices(written).problems]
    assert found and all("la colonne Email a été triée ou déplacée à part des autres" in m for m in found)
    assert any("l'adresse « a@b.example » est celle du client C3 (ligne 4)" in m for m in found)


def test_an_address_copied_on_purpose_to_a_second_customer_is_the_accountants_choice(written):
    set_cells(written, "Clients", "Email", {"C2": "a@b.example"})  # C3's address, which C3 keeps
    result = choices(written)
    assert result.problems == () and result.customers["C2"].email == "a@b.example"
