"""Neutral ids for parametrized hidden tests: ``test_x[case3]`` rather than ``test_x[2048]``.

Under the ``summary`` feedback policy a hidden test's id must not show its inputs; pass ``ids=cases()`` to every
``pytest.mark.parametrize`` of ``tests_hidden.py`` (a fresh iterator each time: pytest takes as many ids as the
decorator has values). Stacked decorators give ``test_x[case1-case0]``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

TEST_ID = re.compile(r"^(test_\w+)(?:\[(.*)\])?$")
CASE = re.compile(r"case\d+")
WORDS = re.compile(r"^[A-Za-z_ -]*$")


def cases() -> Iterator[str]:
    """``case0``, ``case1``, ... for one parametrize decorator."""
    return (f"case{i}" for i in itertools.count())


def neutral_test_id(name: str) -> bool:
    """Whether a collected test id shows no input: its parameter ids are ``caseN`` or words without digits or
    symbols (``test_x[case2-negative]``), never values (``test_x[2048]``, ``test_x[p=0.5]``)."""
    m = TEST_ID.match(name)
    return m is not None and (m.group(2) is None or WORDS.match(CASE.sub("", m.group(2))) is not None)
