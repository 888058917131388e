"""Writing .env: every value read back exactly as typed, the user's other lines and comments kept."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mail.config import read_env
from mail.envfile import quoted, update_env, write_file
from models.errors import RelanceError

# What a keyboard can type into a password: any printable character, no line break.
TYPED = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40)


@settings(max_examples=200, deadline=None)
@given(password=TYPED, name=TYPED)
def test_any_typed_value_is_read_back_unchanged(tmp_path_factory, password, name):
    path = tmp_path_factory.mktemp("env") / ".env"
    update_env(path, {"SMTP_PASSWORD": password, "MAIL_FROM_NAME": name})
    env = read_env(path)
    assert (env["SMTP_PASSWORD"], env["MAIL_FROM_NAME"]) == (password, name)


def test_other_lines_stay_and_keys_are_replaced_in_place(tmp_path: Path):
    path = tmp_path / ".env"
    path.write_text(
        "# mes réglages\nSMTP_HOST=ancien.example\nMAIL_BCC=archive@x.example\nSMTP_HOST=doublon\n"
        "SMTP_PASSWORD='vieux'\n",
        encoding="utf-8",
    )
    update_env(path, {"SMTP_HOST": "smtp.example.fr", "SMTP_PASSWORD": None, "NOTIFY_EMAIL": "a@b.example"})
    assert path.read_text(encoding="utf-8") == (
        "# mes réglages\nSMTP_HOST=smtp.example.fr\nMAIL_BCC=archive@x.example\nNOTIFY_EMAIL=a@b.example\n"
    )
    if os.name == "posix":  # it holds a password: for its owner only
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_plain_values_stay_bare_others_are_quoted():
    assert quoted("smtp.gmail.com") == "smtp.gmail.com"
    assert quoted("Service comptabilité") == "'Service comptabilité'"
    assert quoted("a'b\\c$d") == "'a\\'b\\\\c$d'"


def test_a_settings_file_that_cannot_be_written_is_named_with_the_advice_and_nothing_is_left(tmp_path):
    blocker = tmp_path / "dossier"
    blocker.write_text("un fichier, pas un dossier", encoding="utf-8")
    with pytest.raises(RelanceError) as refused:
        write_file(blocker / "relance.toml", "x = 1\n", advice="fermez-le puis relancez")
    assert refused.value.message.startswith(f"Le fichier {blocker / 'relance.toml'} ne peut pas être écrit (")
    assert refused.value.message.endswith(") : fermez-le puis relancez.")
    target = tmp_path / "relance.toml"
    target.write_text("ancien\n", encoding="utf-8")
    write_file(target, "a = 1\r\nb = 2\n")  # the text as given: no line ending translated
    assert target.read_bytes() == b"a = 1\r\nb = 2\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier", "relance.toml"]  # no temporary left
