"""The one check of an email address, shared by `preparer`, the workbook checks, `envoyer` and `.env`."""

from __future__ import annotations

import re

# ASCII only, on purpose: a non-ASCII address (andré@…) needs SMTPUTF8, which most servers and mail
# programs lack; such an address is refused everywhere, so that `preparer` never proposes an email
# that `envoyer` would refuse.
_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*"
    r"\.[A-Za-z]{2,}"
)


def is_address(text: str) -> bool:
    """True for a bare ASCII address such as `compta@exemple.fr` (no display name, no spaces)."""
    return bool(_ADDRESS.fullmatch(text))
