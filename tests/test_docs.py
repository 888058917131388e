"""The README and relance.toml stay true to the code: commands, exit codes, column keys, test command."""

import re

from app.cli import COMMANDS, OK, SOME_FAILED, UNEXPECTED, USER_ERROR
from models.quote_rules import QUOTE_KEYS
from models.quote_sending import QUOTE_FIELDS
from models.reminders import FIELDS as TEMPLATE_FIELDS
from sources.columns import FIELDS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
TOML = (ROOT / "relance.toml").read_text(encoding="utf-8")


def test_every_command_is_documented():
    for name in COMMANDS:
        assert re.search(rf"^\| `{name}( [A-Z]+)?` \|", README, re.M), name


def test_every_exit_code_is_documented():
    for code in (OK, USER_ERROR, 2, SOME_FAILED, UNEXPECTED):
        assert re.search(rf"^\| {code} \| ", README, re.M), code


def test_every_column_key_is_documented_in_readme_and_relance_toml():
    for kind, fields in FIELDS.items():
        assert f"[colonnes.{kind}]" in TOML
        for field in fields:
            assert f"`{field.key}`" in README, (kind, field.key)
            assert re.search(rf"#\s+{kind}\s*:.*\b{field.key}\b", TOML), (kind, field.key)


def test_readme_test_command_is_what_ci_runs():
    assert "\n   bash scripts/tests.sh\n" in README
    assert "exec bash scripts/tests.sh" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_demo_command_runs_relance_on_the_demo():
    assert (
        "pip install -r requirements.txt && .venv/bin/python relance.py --dossier demo --date 2026-06-15"
        in README
    )


def test_every_template_field_is_documented():
    for name in TEMPLATE_FIELDS:
        assert f"`{name}" in README, name


def test_every_penalty_setting_is_documented():
    for key in ("taux_bce", "marge", "taux_contractuel", "source_bce"):
        assert f"`{key}`" in README, key
        assert re.search(rf"^#? ?{key} = ", TOML, re.M), key


def test_every_quote_template_field_and_setting_is_documented():
    section = README[README.index("## Devis échus") :]
    for name in QUOTE_FIELDS:
        assert f"`{name}" in section, name
    for key in QUOTE_KEYS:
        assert f"`{key}`" in README, key
        assert re.search(rf"^{key} = ", TOML, re.M), key
