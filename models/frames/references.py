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
_CHUNK = 50_000  # payments searched at once: bounds the candidate strings held in memory


@dataclass(frozen=True, eq=False)
class Targets:
    """Per payment (in the payments' order), the invoices it names as positions in the invoices frame."""

    single: np.ndarray  # int64: the one invoice named, -1 for none or several
    several: dict[int, tuple[int, ...]]  # payment -> invoices named, oldest due date first
    cited: np.ndarray  # bool: a non-empty reference that names none of the payer's invoices
    references: list[str]  # each payment's reference, trimmed and upper-case


def upper(texts: list[str]) -> list[str]:
    """Upper-case texts, keeping the very objects already upper-case (no copy of a million numbers)."""
    out = []
    for text in texts:
        changed = text.upper()
        out.append(text if changed == text else changed)
    return out


def _shapes(uppers: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Per upper-case number: how many words ([0-9A-Z]+ runs) it has, and whether it starts and ends
    with one. On the bytes of all the numbers at once (any other byte, UTF-8 included, is no word)."""
    if not uppers:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    data = np.frombuffer(_JOIN.join(uppers).encode(), dtype=np.uint8)
    word = ((data >= 48) & (data <= 57)) | ((data >= 65) & (data <= 90))
    starts = np.flatnonzero(word & ~np.concatenate([[False], word[:-1]]))
    ends = np.flatnonzero(data == 0x1F)
    counts = np.bincount(np.searchsorted(ends, starts), minlength=len(uppers))  # words per number
    first = np.concatenate([[0], ends + 1])
    last = np.concatenate([ends - 1, [len(data) - 1]])
    edged = (last >= first) & word[np.minimum(first, len(data) - 1)] & word[np.maximum(last, 0)]
    return counts, edged


def targets(invoices: pd.DataFrame, payments: pd.DataFrame) -> Targets:
    """`invoices`: the customers' non-credit invoices in due-date order per customer (columns customer,
    number)."""
    customers = invoices["customer"].to_numpy()
    uppers = upper(invoices["number"].tolist())
    payer = payments["customer"].to_numpy()
    references = upper([r.strip() for r in payments["reference"].tolist()])
    index = pd.Index(uppers)
    unique = index.is_unique
    single = np.full(len(payments), -1, dtype=np.int64)
    if unique:
        # The exact reference, one hash look-up for the whole column, then the payer checked.
        found = index.get_indexer(references)
        hit = found >= 0
        hit[hit] = customers[found[hit]] == payer[hit]
        single[hit] = found[hit]
    words, edged = _shapes(uppers)
    longest = int(words.max()) if len(words) else 1
    odd: dict[str, dict[str, int]] = defaultdict(dict)  # numbers starting or ending with a sign
    for position in np.flatnonzero(~edged).tolist():
        odd[customers[position]][uppers[position]] = position
    names = None if unique else _by_customer(customers, uppers)
    several: dict[int, tuple[int, ...]] = {}
    cited = np.zeros(len(payments), dtype=bool)
    labels = payments["label"].to_numpy()
    rest = np.flatnonzero(single < 0)
    for start in range(0, len(rest), _CHUNK):
        found_by = _search(rest[start:start + _CHUNK], payer, references, labels, index, customers,
                           names, longest, odd)
        for i, hits in found_by.items():
            if len(hits) == 1:
                single[i] = hits[0]
            elif hits:
                several[i] = tuple(hits)  # positions follow the due-date order
    cited[rest] = np.fromiter((bool(references[i]) for i in rest), dtype=bool, count=len(rest))
    cited[single >= 0] = False
    cited[list(several)] = False
    return Targets(single, several, cited, references)


def _by_customer(customers: np.ndarray, uppers: list[str]) -> dict[str, dict[str, int]]:
    names: dict[str, dict[str, int]] = defaultdict(dict)
    for position, (customer, number) in enumerate(zip(customers.tolist(), uppers, strict=True)):
        names[customer][number] = position  # an upper-case twin: the last one wins
    return names


def _search(rows, payer, references, labels, index, customers, names, longest, odd) -> dict[int, list[int]]:
    """The invoices each payment of `rows` names: exact reference (when numbers repeat across
    customers), else whole words of its texts. Candidates are checked all at once in the index."""
    found: dict[int, list[int]] = {}
    owners, candidates = [], []
    for i in rows.tolist():
        reference = references[i]
        if names is not None:
            mine = names.get(payer[i], {})
            if reference in mine:
                found[i] = [mine[reference]]
                continue
        text = f"{reference} {labels[i].upper()}".strip()
        if not text:
            continue
        # Numbers made of up to `longest` words, from a word's start to a word's end.
        words = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        for first in range(len(words)):
            begin = words[first][0]
            for last in range(first, min(first + longest, len(words))):
                owners.append(i)
                candidates.append(text[begin:words[last][1]])
        for number, position in odd.get(payer[i], {}).items():
            if _stands_in(text, number):
                found.setdefault(i, []).append(position)
    if candidates:
        owners_array = np.array(owners, dtype=np.int64)
        if names is None:
            at = index.get_indexer(candidates)
            good = at >= 0
            good[good] = customers[at[good]] == payer[owners_array[good]]
            pairs = zip(owners_array[good].tolist(), at[good].tolist(), strict=True)
        else:
            pairs = ((i, names.get(payer[i], {}).get(c)) for i, c in zip(owners, candidates, strict=True))
        for i, position in pairs:
            if position is not None:
                found.setdefault(i, []).append(position)
    return {i: sorted(set(hits)) for i, hits in found.items()}


def _stands_in(text: str, number: str) -> bool:
    at = text.find(number)
    while at >= 0:
        end = at + len(number)
        before = text[at - 1] if at > 0 else " "
        after = text[end] if end < len(text) else " "
        if not _BOUNDARY.match(before) and not _BOUNDARY.match(after):
            return True
        at = text.find(number, at + 1)
    return False
