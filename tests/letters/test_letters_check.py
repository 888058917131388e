"""check_templates: before anything is sent, a missing, unreadable or wrong template is one exact sentence."""

from __future__ import annotations

from pathlib import Path

import docx

from letters.templates import check_templates, email_template_path, template_path
from models.settings import DEFAULT_LEVELS, Level

FERME = DEFAULT_LEVELS[1]
ALL_FIELDS = (
    "societe, client, factures, nb_factures, total_du, niveau, libelle_niveau, canal, objet, nb_relances, "
    "date_derniere_relance, message, date_lettre, lieu, delai_paiement, date_limite, date_reference, "
    "reclamer_penalites, total_penalites, total_indemnites, total_avec_penalites, taux_penalites, "
    "mention_penalites, formule_appel, historique, relances_precedentes, copie_postale, courrier_suit, "
    "qr_paiement, lien_paiement, logo"
)


def word(path: Path, *paragraphs: str) -> None:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))


def message(folder: Path, levels=DEFAULT_LEVELS) -> str:
    """The one problem found (a test with several templates wrong uses check_templates itself)."""
    (problem,) = check_templates(folder, levels)
    return problem.message


def test_paths_of_a_level():
    assert template_path(Path("t"), FERME) == Path("t/relance_2.docx")
    assert email_template_path(Path("t"), FERME) == Path("t/relance_2.email.txt")
    custom = Level(4, "Dernier avis", 60, 14, "courrier", "dernier avis.v2.docx")
    assert email_template_path(Path("t"), custom) == Path("t/dernier avis.v2.email.txt")


def test_the_shipped_copy_passes(folder):
    assert check_templates(folder, DEFAULT_LEVELS) == []


def test_every_wrong_template_is_told_not_only_the_first(folder):
    word(folder / "relance_1.docx", "{{ montant_total }}")
    (folder / "relance_2.email.txt").unlink()
    word(folder / "mise_en_demeure.docx", "{{ total_du + 40 }}")
    problems = check_templates(folder, DEFAULT_LEVELS)
    assert [p.where for p in problems] == [
        "templates_word/relance_1.docx",
        "templates_word/relance_2.email.txt",
        "templates_word/mise_en_demeure.docx",
    ]
    assert problems[2].message == (
        "Le modèle templates_word/mise_en_demeure.docx ne peut pas être rempli près de "
        "« {{ total_du + 40 }} » : une opération impossible sur un champ (les montants et les dates sont "
        "du texte déjà mis en forme : "
        "« {{ total_du }} », pas de calcul)."
    )


def test_a_damaged_document_xml_is_named(folder):
    import zipfile

    path = folder / "relance_1.docx"
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"][:-200]  # cut short, as a broken copy would be
    with zipfile.ZipFile(path, "w") as target:
        for name, data in parts.items():
            target.writestr(name, data)
    assert "templates_word/relance_1.docx" in message(folder)


def test_an_unknown_field_is_named_with_the_possible_ones(folder):
    word(folder / "relance_2.docx", "Madame,", "Vous nous devez {{ montant_total }}.")
    assert message(folder) == (
        "Le modèle templates_word/relance_2.docx utilise un champ inconnu « montant_total » "
        f"(champs possibles : {ALL_FIELDS})."
    )


def test_an_unknown_part_of_a_field_is_named_with_the_possible_ones(folder):
    word(folder / "relance_1.docx", "À l'attention de {{ client.contact }}")
    assert message(folder) == (
        "Le modèle templates_word/relance_1.docx utilise un champ inconnu « client.contact » "
        "(champs possibles de client : code, nom, civilite, adresse, code_postal, ville, pays, email, "
        "telephone, particulier)."
    )


def test_an_unknown_column_of_the_invoices_is_found_inside_the_loop(folder):
    (folder / "relance_1.email.txt").write_text(
        "Objet : {{ objet }}\n\n{% for f in factures %}{{ f.numero }} {{ f.montant_ttc }}\n{% endfor %}",
        encoding="utf-8",
    )
    assert message(folder) == (
        "Le modèle templates_word/relance_1.email.txt utilise un champ inconnu « f.montant_ttc » (champs "
        "possibles de f : numero, date, echeance, montant, reste_du, jours_retard, penalites, indemnite, "
        "nb_relances, relances)."
    )


def test_several_unknown_fields_are_all_named(folder):
    word(folder / "mise_en_demeure.docx", "{{ penalites }} et {{ indemnite }} ; {{ penalites }}")
    assert message(folder) == (
        "Le modèle templates_word/mise_en_demeure.docx utilise des champs inconnus « penalites », "
        f"« indemnite » (champs possibles : {ALL_FIELDS})."
    )


def test_a_field_in_the_footer_is_checked_too(folder):
    document = docx.Document()
    document.add_paragraph("Madame,")
    document.sections[0].footer.paragraphs[0].text = "{{ societe.capital_social }}"
    document.save(str(folder / "relance_2.docx"))
    assert "« societe.capital_social » (champs possibles de societe : nom, adresse," in message(folder)


def test_a_missing_letter_names_its_level(folder):
    (folder / "relance_2.docx").unlink()
    assert message(folder) == (
        "Le modèle templates_word/relance_2.docx est introuvable : "
        "il est indiqué pour le niveau 2 dans relance.toml."
    )


def test_a_missing_email_text_says_what_it_is_for(folder):
    (folder / "mise_en_demeure.email.txt").unlink()
    assert message(folder) == (
        "Le modèle templates_word/mise_en_demeure.email.txt est introuvable : il donne l'objet et le texte "
        "des emails du niveau 3, à placer à côté de mise_en_demeure.docx."
    )


def test_a_broken_tag_points_at_its_paragraph(folder):
    word(folder / "relance_2.docx", "Madame,", "Total dû : {{ total_du }", "Fin")
    assert message(folder) == (
        "Le modèle templates_word/relance_2.docx a une balise mal écrite près de "
        "« Total dû : {{ total_du }Fin » : un champ s'écrit {{ client.nom }}, "
        "une condition {% if … %} … {% endif %}."
    )


def test_an_unclosed_condition_is_reported(folder):
    word(folder / "relance_1.docx", "{%p if message %}", "{{ message }}")
    assert message(folder) == (
        "Le modèle templates_word/relance_1.docx a un bloc {% if … %} ou {% for … %} qui n'est pas refermé "
        "par son {% endif %} ou {% endfor %}."
    )


def test_an_unknown_filter_is_reported(folder):
    word(folder / "relance_1.docx", "Total : {{ total_du|euros }}")
    assert message(folder) == (
        "Le modèle templates_word/relance_1.docx utilise un filtre inconnu « euros » près de "
        "« Total : {{ total_du|euros }} »."
    )


def test_a_file_that_is_not_a_word_document_is_reported(folder):
    (folder / "relance_1.docx").write_text("Lettre de relance", encoding="utf-8")
    assert message(folder) == (
        "Le modèle templates_word/relance_1.docx ne s'ouvre pas : ce n'est pas un document Word valide "
        "(enregistrez-le dans Word au format « Document Word (*.docx) »)."
    )


def test_an_email_text_without_its_subject_line_is_reported(folder):
    (folder / "relance_2.email.txt").write_text("Madame, Monsieur,\n\n{{ total_du }}\n", encoding="utf-8")
    assert message(folder) == (
        "Le modèle templates_word/relance_2.email.txt doit commencer par la ligne « Objet : … » (l'objet de "
        "l'email), suivie d'une ligne vide et du texte."
    )


def test_an_email_text_saved_in_ansi_is_reported(folder):
    (folder / "relance_1.email.txt").write_bytes("Objet : Relance\n\nMerci, à bientôt.\n".encode("cp1252"))
    assert message(folder) == (
        "Le modèle templates_word/relance_1.email.txt n'est pas enregistré en UTF-8 : dans le Bloc-notes, "
        "« Enregistrer sous… » puis choisissez l'encodage UTF-8."
    )


def test_only_the_templates_of_the_levels_given_are_checked(folder):
    (folder / "mise_en_demeure.docx").unlink()
    check_templates(folder, DEFAULT_LEVELS[:2])


def test_a_template_shared_by_two_levels_is_reported_for_the_first(folder):
    shared = [
        Level(1, "Rappel", 7, 0, "email", "lettre.docx"),
        Level(2, "Ferme", 21, 14, "email", "lettre.docx"),
    ]
    letter, email = check_templates(folder, shared)  # each told once, not once per level
    assert letter.message == (
        "Le modèle templates_word/lettre.docx est introuvable : "
        "il est indiqué pour le niveau 1 dans relance.toml."
    )
    assert email.where == "templates_word/lettre.email.txt"
