"""Word and email templates: where they are, checking their fields before sending, filling them in."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from docx.opc.exceptions import PackageNotFoundError
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, Template, TemplateError, TemplateSyntaxError, meta, nodes
from lxml import etree

from letters.pictures import IMAGE_ERRORS, find_logo, logo_problem, with_pictures
from models.errors import RelanceError
from models.problems import Problem
from models.records import Customer
from models.reminders import FIELDS, PreviousLetter, Reminder, ReminderInvoice, template_fields
from models.settings import Company, Level

# What a template's own expressions can raise while it is filled (`{{ total_du + 40 }}`: the amounts are
# text), besides jinja's errors: the template's fault, told as such, never a crash.
_FILLING_ERRORS = (
    TemplateError, TypeError, ValueError, AttributeError, KeyError, IndexError, ArithmeticError,
)  # fmt: skip


class _CompiledOnce(Environment):
    """docxtpl compiles a template's XML again for every letter: compile each distinct text once."""

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Template:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        compiled = self._compiled.get(source)
        if compiled is None:
            if len(self._compiled) >= 64:
                self._compiled.clear()
            compiled = self._compiled[source] = super().from_string(source)
        return compiled


class _Letter(DocxTemplate):
    """A DocxTemplate that cleans each distinct XML part once (docxtpl's regexes), not for every letter."""

    _patched: ClassVar[dict[str, str]] = {}  # shared by all letters

    def patch_xml(self, src_xml: str) -> str:
        patched = self._patched.get(src_xml)
        if patched is None:
            if len(self._patched) >= 64:
                self._patched.clear()
            patched = self._patched[src_xml] = super().patch_xml(src_xml)
        return patched


# autoescape: a customer named 'Dupont & Fils <SARL>' must not break the document's XML;
# StrictUndefined: a field the template names but the letter lacks is an error, never a blank.
_LETTER_ENV = _CompiledOnce(undefined=StrictUndefined, autoescape=True)
# Email text is plain: no escaping; block tags alone on their line leave no blank line behind.
_EMAIL_ENV = _CompiledOnce(undefined=StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)


def template_path(folder: Path, level: Level) -> Path:
    """The Word letter of a level."""
    return folder / level.template


def email_template_path(folder: Path, level: Level) -> Path:
    """The email text beside the Word letter: relance_1.docx -> relance_1.email.txt."""
    return folder / f"{Path(level.template).stem}.email.txt"


def check_templates(folder: Path, levels: Iterable[Level]) -> list[Problem]:
    """Before anything is sent: every template exists, opens, uses only known fields and fills in with
    sample letters. One problem per template that fails, all of them."""
    files = []
    for level in levels:
        docx, email = template_path(folder, level), email_template_path(folder, level)
        files.append((docx, "docx", _missing(docx, level, "docx")))
        files.append((email, "email", _missing(email, level, "email")))
    return check_files(folder, files, FIELDS, _sample_fields)


def check_files(
    folder: Path, files: list[tuple[Path, str, str]], names: tuple[str, ...],
    samples: Callable[[], tuple[dict[str, Any], ...]],
) -> list[Problem]:  # fmt: skip
    """Check templates given as (path, "docx" or "email", the sentence to say when it is missing): the
    fields they read must be among `names`, and they must fill in with each set of `samples()`."""
    seen: set[Path] = set()
    problems = []
    logo = find_logo(folder) if files else None
    if logo is not None and logo_problem(logo, _show(logo)):  # told once, not for every template
        problems.append(Problem(_show(logo), logo_problem(logo, _show(logo))))
        logo = None
    spec = _Fields(names, samples)
    for path, kind, missing in files:
        if path in seen:
            continue
        seen.add(path)
        try:
            if not path.is_file():
                raise RelanceError(missing)
            if kind == "docx":
                _check_docx(path, logo, spec)
            else:
                _check_email(path, spec)
        except RelanceError as error:
            problems.append(Problem(_show(path), error.message))
    return problems


@dataclass(frozen=True)
class _Fields:
    """The fields a kind of template may read, and samples that take every branch of the shipped ones."""

    names: tuple[str, ...]
    samples: Callable[[], tuple[dict[str, Any], ...]]


def uses_field(template: Path, name: str) -> bool:
    """Whether a Word template reads the field `name` (« copie_postale »: then the printed and the emailed
    copy of a letter differ, and both are made)."""
    stat = template.stat()
    return name in _fields_of(template, stat.st_mtime_ns, stat.st_size)


@cache
def _fields_of(template: Path, mtime: int, size: int) -> frozenset[str]:
    names: set[str] = set()
    for part in _docx_parts(_open_docx(template)):
        names |= meta.find_undeclared_variables(_parse(_LETTER_ENV, template, part))
    return frozenset(names)


def render_letter(template: Path, fields: dict[str, Any], target: Path, logo: Path | None = None) -> None:
    """Fill the Word template with the fields and save the letter to `target`; `logo`: the sender's own
    ([[societes]]), else the templates folder's."""
    doc = _open_docx(template)
    logo = logo or find_logo(template.parent)
    try:
        filled = with_pictures(doc, fields, logo)  # reads the logo's size: a broken one fails here
    except (*IMAGE_ERRORS, OSError):  # the logo, replaced since the checks before sending
        assert logo is not None
        shown = _show(logo)
        raise RelanceError(logo_problem(logo, shown) or f"Le logo {shown} ne s'ouvre pas.") from None
    try:
        doc.render(filled, jinja_env=_LETTER_ENV, autoescape=True)
    except _FILLING_ERRORS as error:
        raise RelanceError(_template_error(template, error, _docx_parts(_open_docx(template)))) from None
    except etree.XMLSyntaxError:
        raise RelanceError(_broken_xml(template)) from None
    doc.save(target)


def render_email(template: Path, fields: dict[str, Any]) -> tuple[str, str]:
    """Fill the email text template: its first line gives the subject, the rest the body."""
    source = _read_text(template)
    try:
        text = _EMAIL_ENV.from_string(source).render(fields)
    except _FILLING_ERRORS as error:
        raise RelanceError(_template_error(template, error, [source])) from None
    return _split_email(template, text)


# --- checks -------------------------------------------------------------------------------------------


def _check_docx(path: Path, logo: Path | None, spec: _Fields) -> None:
    parts = _docx_parts(_open_docx(path))
    for part in parts:
        _check_fields(path, part, spec)
    for fields in spec.samples():
        # A trial render catches what reading cannot (a filter that does not exist, an index too far,
        # arithmetic on a field that is text); the QR code and the logo go in as they will in a letter.
        try:
            doc = _open_docx(path)
            doc.render(with_pictures(doc, fields, logo), jinja_env=_LETTER_ENV, autoescape=True)
        except _FILLING_ERRORS as error:
            raise RelanceError(_template_error(path, error, parts)) from None
        except etree.XMLSyntaxError:
            raise RelanceError(_broken_xml(path)) from None


def _check_email(path: Path, spec: _Fields) -> None:
    _check_fields(path, _read_text(path), spec)
    for fields in spec.samples():
        render_email(path, fields)


def _parse(env: Environment, path: Path, source: str) -> nodes.Template:
    try:
        return env.parse(source)
    except TemplateSyntaxError as error:
        raise RelanceError(_template_error(path, error, [source])) from None


def _check_fields(path: Path, source: str, spec: _Fields) -> None:
    """Every name a template reads is one of `spec.names`, and every `x.y` a key of that field."""
    ast = _parse(_LETTER_ENV if path.suffix == ".docx" else _EMAIL_ENV, path, source)
    sample = spec.samples()[0]
    allowed = spec.names
    try:
        undeclared = meta.find_undeclared_variables(ast)
    except TemplateSyntaxError as error:  # an unknown filter is found while compiling
        raise RelanceError(_template_error(path, error, [source])) from None
    loops = {
        loop.target.name: loop.iter.name
        for loop in ast.find_all(nodes.For)
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Name)
    }
    unknown: dict[str, str] = {}  # the unknown name -> the names it could have been
    for node in ast.find_all((nodes.Name, nodes.Getattr)):
        if isinstance(node, nodes.Name):
            if node.name in undeclared and node.name not in allowed:
                unknown.setdefault(node.name, f"champs possibles : {', '.join(allowed)}")
            continue
        if not isinstance(node.node, nodes.Name):
            continue
        base = node.node.name
        value: Any = None
        if base in allowed and base in undeclared:
            value = sample[base]
        elif loops.get(base) in allowed and isinstance(sample[loops[base]], list):
            value = sample[loops[base]][0]
        if isinstance(value, dict) and node.attr not in value:
            unknown.setdefault(f"{base}.{node.attr}", f"champs possibles de {base} : {', '.join(value)}")
    if not unknown:
        return
    names = ", ".join(f"« {name} »" for name in unknown)
    what = f"un champ inconnu {names}" if len(unknown) == 1 else f"des champs inconnus {names}"
    raise RelanceError(f"Le modèle {_show(path)} utilise {what} ({next(iter(unknown.values()))}).")


def _missing(path: Path, level: Level, kind: str) -> str:
    if kind == "docx":
        return (
            f"Le modèle {_show(path)} est introuvable : "
            f"il est indiqué pour le niveau {level.number} dans relance.toml."
        )
    return (
        f"Le modèle {_show(path)} est introuvable : il donne l'objet et le texte des emails "
        f"du niveau {level.number}, à placer à côté de {level.template}."
    )


# --- errors -------------------------------------------------------------------------------------------


def _broken_xml(path: Path) -> str:
    return (
        f"Le modèle {_show(path)} est abîmé (son contenu XML est invalide) : ouvrez-le dans Word, "
        "enregistrez-le de nouveau, ou remettez le modèle d'origine."
    )


def _template_error(path: Path, error: Exception, sources: list[str]) -> str:
    """One French sentence: which template, near which text, what is wrong."""
    where = _near(error, sources)
    near = f" près de « {where} »" if where else ""
    if not isinstance(error, TemplateError):
        return (
            f"Le modèle {_show(path)} ne peut pas être rempli{near} : une opération impossible sur un champ "
            "(les montants et les dates sont du texte déjà mis en forme : « {{ total_du }} », pas de calcul)."
        )
    message = str(error.message or "")
    unknown_filter = re.match(r"No (filter|test) named '([^']+)'", message)
    if unknown_filter:
        return f"Le modèle {_show(path)} utilise un filtre inconnu « {unknown_filter.group(2)} »{near}."
    if isinstance(error, TemplateSyntaxError):
        if "end of template" in message:
            return (
                f"Le modèle {_show(path)} a un bloc {{% if … %}} ou {{% for … %}} qui n'est pas refermé "
                "par son {% endif %} ou {% endfor %}."
            )
        return (
            f"Le modèle {_show(path)} a une balise mal écrite{near} : un champ s'écrit {{{{ client.nom }}}}, "
            "une condition {% if … %} … {% endif %}."
        )
    name = _undefined_name(message)
    if name:
        return f"Le modèle {_show(path)} utilise un champ qui n'existe pas « {name} »{near}."
    return (
        f"Le modèle {_show(path)} ne peut pas être rempli{near} : vérifiez ce qui est écrit entre {{{{ }}}}."
    )


def _undefined_name(message: str) -> str:
    found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", message)
    return (found.group(1) or found.group(2)) if found else ""


def _near(error: Exception, sources: list[str]) -> str:
    """The text of the paragraph (or email line) where jinja stopped, without the XML around it."""
    lineno = getattr(error, "lineno", None) or _template_lineno(error)
    if not lineno:
        return ""
    source = getattr(error, "source", None)
    candidates = [source] if isinstance(source, str) else sources
    for text in candidates:
        lines = text.splitlines()
        if 0 < lineno <= len(lines):
            plain = " ".join(re.sub(r"<[^>]+>", "", lines[lineno - 1]).split())
            if plain:
                return plain if len(plain) <= 80 else plain[:77] + "…"
    return ""


def _template_lineno(error: BaseException) -> int | None:
    # Jinja rewrites the traceback of a render error so that its frames point into the template.
    lineno = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            lineno = tb.tb_lineno
        tb = tb.tb_next
    return lineno


# --- files --------------------------------------------------------------------------------------------


def _open_docx(path: Path) -> DocxTemplate:
    try:
        doc = _Letter(path)
        doc.init_docx()
    except FileNotFoundError:
        raise RelanceError(f"Le modèle {_show(path)} est introuvable.") from None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError):
        raise RelanceError(
            f"Le modèle {_show(path)} ne s'ouvre pas : ce n'est pas un document Word valide "
            "(enregistrez-le dans Word au format « Document Word (*.docx) »)."
        ) from None
    return doc


def _docx_parts(doc: DocxTemplate) -> list[str]:
    """The XML jinja sees: the body, then headers and footers, one paragraph per line as docxtpl does."""
    doc.init_docx()
    xml = [doc.get_xml()]
    for rel in doc.docx.part.rels.values():
        if rel.reltype in (doc.HEADER_URI, doc.FOOTER_URI) and not rel.is_external:
            xml.append(doc.xml_to_string(rel.target_part.element))
    return [re.sub(r"<w:p([ >])", r"\n<w:p\1", doc.patch_xml(part)) for part in xml]


def _read_text(path: Path) -> str:
    try:
        # utf-8-sig: Notepad adds a byte order mark that must not end up in the subject.
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RelanceError(f"Le modèle {_show(path)} est introuvable.") from None
    except UnicodeDecodeError:
        raise RelanceError(
            f"Le modèle {_show(path)} n'est pas enregistré en UTF-8 : dans le Bloc-notes, "
            "« Enregistrer sous… » puis choisissez l'encodage UTF-8."
        ) from None


_SUBJECT = re.compile(r"\s*objet\s*:(.*)", re.IGNORECASE)


def _split_email(path: Path, text: str) -> tuple[str, str]:
    first, _, rest = text.lstrip("\n").partition("\n")
    subject = _SUBJECT.fullmatch(first)
    if not subject:
        raise RelanceError(
            f"Le modèle {_show(path)} doit commencer par la ligne « Objet : … » (l'objet de l'email), "
            "suivie d'une ligne vide et du texte."
        )
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(line.rstrip() for line in rest.split("\n")))
    return " ".join(subject.group(1).split()), body.strip("\n") + "\n"


def _show(path: Path) -> str:
    """templates_word/relance_2.docx: the folder the user knows and the file name."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


# --- sample data for the trial renders ---------------------------------------------------------------


@cache
def _sample_fields() -> tuple[dict[str, Any], ...]:
    """Two sets of fields that together take every branch a shipped template has (penalties claimed
    from the business, none from the private customer)."""
    company = Company(
        legal_form="SARL",
        capital="10000",
        registry="Paris 123 456 789",
        vat="FR12123456789",
        name="Exemple SARL",
        address=("1 rue de l'Exemple",),
        postal_code="75001",
        city="Paris",
        phone="01 23 45 67 89",
        email="compta@exemple.fr",
        siret="123 456 789 00012",
        iban="FR76 3000 6000 0112 3456 7890 189",
        bic="AGRIFRPP",
        signatory="Camille Martin",
        title="Comptable",
        payment_link="https://paiement.exemple.fr/{numero}?montant={montant}&client={client}",
    )
    level = Level(2, "Relance ferme", 21, 14, "email", "relance_2.docx")
    invoice = ReminderInvoice(
        "F-0001", date(2026, 9, 1), date(2026, 10, 1), Decimal("120.00"), Decimal("120.00"), 53, 2,
        interest=Decimal("2.12"), indemnity=Decimal("40.00"), rates=(Decimal("12.15"),),
        reminded=(date(2026, 11, 1),),
    )  # fmt: skip
    business = Reminder(
        Customer("C1", "Client SARL", "client@exemple.fr", ("2 rue du Client",), "69001", "Lyon", "France"),
        level,
        "email+courrier",
        (invoice, invoice),
        message="Un message",
        reminder_count=1,
        last_reminder=date(2026, 11, 1),
        claims_penalties=True,  # the penalties branch of a template is tried too
        previous=(PreviousLetter(date(2026, 11, 1), 1, "Rappel amiable"),),
    )
    private = Reminder(Customer("C2", "M. Client", private=True), level, "courrier", (invoice,))
    today = date(2026, 11, 23)
    return (
        template_fields(business, company, today, today),
        template_fields(private, Company(), today, today, postal_copy=True),
    )
