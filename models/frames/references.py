"""Which of the customer's invoices each payment names: its exact reference, else invoice numbers
standing as whole words in its reference and label (models.allocation._targets, on whole columns)."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

_WORD = re.compile(r"[0-9A-Z]+")
_BOUNDARY = re.compile(r"[0-9A-Z]")


@dataclass(frozen=True, eq=False)
class Targets:
    """Per payment (in the payments' order): the numbers it names, and who owns a reference it cites."""

    numbers: list[tuple[str, ...]]  # invoice numbers named, in the customer's due-date order
    other_owner: np.ndarray  # object: the customer owning the cited reference when it names none, else None
    cited: np.ndarray  # bool: a non-empty reference that names none of the payer's invoices


def targets(invoices: pd.DataFrame, payments: pd.DataFrame) -> Targets:
    """`invoices` holds the non-credit invoices in due-date order per customer (columns customer,
    number, position) and every invoice's owner as `owners` (upper number -> customer) in attrs."""
    by_customer: dict[str, dict[str, str]] = defaultdict(dict)
    for customer, number in zip(invoices["customer"].tolist(), invoices["number"].tolist(), strict=True):
        by_customer[customer][number.upper()] = number  # the last of an upper-case twin wins
    position = dict(zip(zip(invoices["customer"].tolist(), invoices["number"].tolist(), strict=True),
                        invoices["position"].tolist(), strict=True))
    owners: dict[str, str] = invoices.attrs["owners"]
    longest = max((len(_WORD.findall(u)) for names in by_customer.values() for u in names), default=1)
    odd = {c: [u for u in names if not (_BOUNDARY.match(u[:1]) and _BOUNDARY.match(u[-1:]))]
           for c, names in by_customer.items()}

    found: list[tuple[str, ...]] = []
    other = np.full(len(payments), None, dtype=object)
    cited = np.zeros(len(payments), dtype=bool)
    empty: dict[str, str] = {}
    for i, (customer, reference, label) in enumerate(zip(
            payments["customer"].tolist(), payments["reference"].tolist(), payments["label"].tolist(),
            strict=True)):
        names = by_customer.get(customer, empty)
        upper = reference.strip().upper()
        if upper in names:
            found.append((names[upper],))
            continue
        text = f"{upper} {label.upper()}".strip()
        hits = _in_text(text, names, longest, odd.get(customer, ())) if text and names else []
        if hits:
            hits = sorted(set(hits), key=lambda n: position[(customer, n)])
            found.append(tuple(hits))
            continue
        found.append(())
        if upper:
            cited[i] = True
            other[i] = owners.get(upper)
    return Targets(found, other, cited)


def _in_text(text: str, names: dict[str, str], longest: int, odd: list[str]) -> list[str]:
    """Numbers standing in `text` as whole words ("FA-12" is not found in "FA-123")."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    hits = []
    # A number made of up to `longest` words, from a word's start to a word's end: a dictionary look-up
    # per candidate instead of a search per invoice of the customer.
    for first in range(len(words)):
        start = words[first][0]
        for last in range(first, min(first + longest, len(words))):
            number = names.get(text[start:words[last][1]])
            if number is not None:
                hits.append(number)
    for upper in odd:  # a number starting or ending with a sign: searched as the rule says
        at = text.find(upper)
        while at >= 0:
            end = at + len(upper)
            before = text[at - 1] if at > 0 else " "
            after = text[end] if end < len(text) else " "
            if not _BOUNDARY.match(before) and not _BOUNDARY.match(after):
                hits.append(names[upper])
                break
            at = text.find(upper, at + 1)
    return hits
