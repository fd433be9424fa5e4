"""Who a download's entry is: Unicode-aware names, repository suffixes, groups.

A name is compared as a key: NFKC-normalised, case-folded, every letter and digit of any script kept (so
"Zoë Ñúñez", "ZOE NUNEZ" differ, while "山田 太郎" and Canvas's "山田太郎" agree), spaces and punctuation dropped.
A roster name matches in the orders LMSs write it: as given, reversed, and Canvas's sortable "Last, First ...".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def name_key(text: str) -> str:
    """The comparable form of a name: NFKC, casefold, letters and digits of every script only."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] in "LN")


def name_keys(full: str) -> set[str]:
    """Keys a roster name may appear as: ``Ada King Lovelace``, ``Lovelace King Ada``, ``Lovelace Ada King``."""
    parts = full.split()
    if not parts:
        return set()
    orders = [parts, list(reversed(parts)), [parts[-1], *parts[:-1]]]
    return {k for k in (name_key(" ".join(o)) for o in orders) if k}


def group_key(text: str) -> str:
    """Groups compare like names: ``Team 3``, ``team-3`` and ``TEAM_3`` are one group."""
    return name_key(text)


def longest_suffix(repo: str, users: Iterable[tuple[str, str]]) -> list[str]:
    """Roster ids whose GitHub name is the longest ``-<name>`` suffix of (or equal to) ``repo``.

    ``masks-ann-lee`` belongs to ``ann-lee``, not ``lee``, even though both are suffixes."""
    repo = repo.lower()
    best: list[str] = []
    best_len = -1
    for sid, user in users:
        user = user.lower()
        if not user or not (repo == user or repo.endswith("-" + user)):
            continue
        if len(user) > best_len:
            best, best_len = [sid], len(user)
        elif len(user) == best_len:
            best.append(sid)
    return best
