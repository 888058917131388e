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
_JOIN = "\x1f"


@dataclass(frozen=True, eq=False)
class Targets:
    """Per payment (in the payments' order), the invoices it names as positions in the invoices frame."""

    single: np.ndarray  # int64: the one invoice named, -1 for none or several
    several: dict[int, tuple[int, ...]]  # payment -> invoices named, oldest due date first
    other_owner: np.ndarray  # object: the customer owning the cited reference when it names none, else None
    cited: np.ndarray  # bool: a non-empty reference that names none of the payer's invoices


def _keys(customers: np.ndarray, texts: list[str]) -> list[str]:
    return [f"{c}{_JOIN}{t}" for c, t in zip(customers.tolist(), texts, strict=True)]


def targets(invoices: pd.DataFrame, payments: pd.DataFrame, owners: dict[str, str]) -> Targets:
    """`invoices`: the customers' non-credit invoices in due-date order per customer (columns customer,
    number); `owners`: every invoice's customer by upper-case number (for the anomaly)."""
    customers = invoices["customer"].to_numpy()
    uppers = [n.upper() for n in invoices["number"].tolist()]
    keys = pd.Series(np.arange(len(uppers)), index=_keys(customers, uppers))
    keys = keys[~keys.index.duplicated(keep="last")]  # an upper-case twin: the last one wins
    payer = payments["customer"].to_numpy()
    references = [r.strip().upper() for r in payments["reference"].tolist()]
    # The exact reference: one hash look-up for the whole column.
    found = keys.index.get_indexer(_keys(payer, references))
    single = np.full(len(payments), -1, dtype=np.int64)
    single[found >= 0] = keys.to_numpy()[found[found >= 0]]

    several: dict[int, tuple[int, ...]] = {}
    other = np.full(len(payments), None, dtype=object)
    cited = np.zeros(len(payments), dtype=bool)
    rest = np.flatnonzero(single < 0)
    if not len(rest):
        return Targets(single, several, other, cited)
    names: dict[str, dict[str, int]] = defaultdict(dict)
    for key, position in zip(keys.index.tolist(), keys.to_numpy().tolist(), strict=True):
        customer, _, upper = key.partition(_JOIN)
        names[customer][upper] = position
    longest = max((len(_WORD.findall(u)) for u in uppers), default=1)
    odd = {c: [u for u in known if not (_BOUNDARY.match(u[:1]) and _BOUNDARY.match(u[-1:]))]
           for c, known in names.items()}
    labels = payments["label"].to_numpy()
    empty: dict[str, int] = {}
    for i in rest.tolist():
        known = names.get(payer[i], empty)
        upper = references[i]
        text = f"{upper} {labels[i].upper()}".strip()
        hits = sorted(set(_in_text(text, known, longest, odd.get(payer[i], ())))) if text and known else []
        if len(hits) == 1:
            single[i] = hits[0]
        elif hits:
            several[i] = tuple(hits)  # positions follow the due-date order
        elif upper:
            cited[i] = True
            other[i] = owners.get(upper)
    return Targets(single, several, other, cited)


def _in_text(text: str, names: dict[str, int], longest: int, odd: list[str]) -> list[int]:
    """Invoices whose numbers stand in `text` as whole words ("FA-12" is not found in "FA-123")."""
    words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
    hits = []
    # A number made of up to `longest` words, from a word's start to a word's end: a dictionary look-up
    # per candidate instead of a search per invoice of the customer.
    for first in range(len(words)):
        start = words[first][0]
        for last in range(first, min(first + longest, len(words))):
            position = names.get(text[start:words[last][1]])
            if position is not None:
                hits.append(position)
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
