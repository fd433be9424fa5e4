"""Inputs are never mutated, and no check inside the worker decides it: arguments arrive read-only (arrays over
memory NumPy will not make writable, lists and dicts that refuse changes), and the trusted side turns a write into
one into the verdict ``failed`` with a message that names the line."""

from __future__ import annotations

import copy
import os
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO

from judge.engine.problems import load_problem
from judge.engine.runner import run_solution
from judge.isolated import wire

ROOT = Path(__file__).resolve().parent / "redteam" / "root"


def arguments(value):
    """``value`` as the worker's function receives it."""
    node, buffers = wire.encode(value)
    frame = wire.pack({"v": node}, buffers)
    r, w = os.pipe()
    try:
        os.write(w, frame)
        header, bufs = wire.read_frame(r, immutable=True)
    finally:
        os.close(r)
        os.close(w)
    return wire.decode(header["v"], bufs, readonly=True)


def test_arrays_arrive_read_only_and_stay_so():
    """No view, reshape or flag change makes an argument writable; copies are ordinary writable arrays."""
    x, b = arguments((np.arange(6.0).reshape(2, 3), np.array([True, False])))
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))
    assert b.tolist() == [True, False]
    for arr in (x, b, x.view(), x.reshape(-1), x.T, x[0], np.asarray(x)):
        assert not arr.flags.writeable
        with pytest.raises(ValueError):
            arr.flags.writeable = True
        with pytest.raises(ValueError):
            arr.setflags(write=True)
    assert np.asarray(x) is x and x.astype(np.float64, copy=False) is x
    for copied in (x.copy(), np.array(x), x.astype(np.float32), x.astype(np.float64), np.copy(x), x + 0):
        assert copied.flags.writeable
    for write in (lambda: x.__setitem__(0, 1.0), lambda: x.__iadd__(1.0), lambda: np.add(x, 1, out=x),
                  lambda: x.sort(), lambda: x.fill(0), lambda: np.fill_diagonal(x, 1.0)):
        with pytest.raises(ValueError, match="read-only"):
            write()
    np.testing.assert_array_equal(x, np.arange(6.0).reshape(2, 3))


def test_lists_and_dicts_arrive_read_only():
    """Every changing method raises ReadOnlyInputError; reading, iterating and copying work, and copies are plain."""
    lst, dct, nested = arguments(([3, 1, 2], {"a": [1]}, [[1, 2], {"k": 1}]))
    assert isinstance(lst, list) and lst == [3, 1, 2] and sorted(lst) == [1, 2, 3] and lst[1:] == [1, 2]
    assert isinstance(dct, dict) and dct == {"a": [1]} and dict(dct) == {"a": [1]} and dct.get("a") == [1]
    changes = [lambda: lst.append(1), lambda: lst.extend([1]), lambda: lst.insert(0, 1), lambda: lst.pop(),
               lambda: lst.remove(3), lambda: lst.clear(), lambda: lst.sort(), lambda: lst.reverse(),
               lambda: lst.__setitem__(0, 1), lambda: lst.__delitem__(0), lambda: lst.__iadd__([1]),
               lambda: lst.__imul__(2), lambda: dct.__setitem__("b", 1), lambda: dct.__delitem__("a"),
               lambda: dct.update(b=1), lambda: dct.pop("a"), lambda: dct.popitem(), lambda: dct.clear(),
               lambda: dct.setdefault("b", 1), lambda: dct.__ior__({"b": 1}), lambda: dct["a"].append(2),
               lambda: nested[0].append(3), lambda: nested[1].update(k=2)]
    for change in changes:
        with pytest.raises(wire.ReadOnlyInputError, match="is an input and is read-only"):
            change()
    assert lst == [3, 1, 2] and dct == {"a": [1]} and nested == [[1, 2], {"k": 1}]
    for plain in (list(lst), lst[:], lst.copy(), copy.copy(lst), copy.deepcopy(lst), lst + [], dict(dct),
                  dct.copy(), copy.copy(dct), copy.deepcopy(dct), {**dct}):
        assert type(plain) in (list, dict)
    deep = copy.deepcopy(nested)
    deep[0].append(3)
    assert type(deep[0]) is list and nested[0] == [1, 2]
    # what a function returns of its inputs crosses back as plain data
    node, buffers = wire.encode((lst, dct, nested))
    assert wire.decode(node, buffers) == ([3, 1, 2], {"a": [1]}, [[1, 2], {"k": 1}])


ARRAY_IN_PLACE = '''
import numpy as np


def scale(x, factors, options):
    if len(factors) != x.shape[-1]:
        raise ValueError("wrong length")
    x *= np.asarray(factors)
    return x + options["offset"]
'''

LIST_IN_PLACE = '''
import numpy as np


def scale(x, factors, options):
    if len(factors) != x.shape[-1]:
        raise ValueError("wrong length")
    factors.append(0.0)
    return np.asarray(x, dtype=np.float64) * np.asarray(factors[:-1]) + options["offset"]
'''

DICT_IN_PLACE = '''
import numpy as np


def scale(x, factors, options):
    options.setdefault("offset", 0.0)
    if len(factors) != x.shape[-1]:
        raise ValueError("wrong length")
    return np.asarray(x, dtype=np.float64) * np.asarray(factors) + options["offset"]
'''

ONLY_ON_BAD_INPUT = '''
import numpy as np


def scale(x, factors, options):
    if len(factors) != x.shape[-1]:
        x[...] = np.nan  # "poison" the input before raising
        raise ValueError("wrong length")
    return np.asarray(x, dtype=np.float64) * np.asarray(factors) + options["offset"]
'''

WORKS_ON_COPIES = '''
import copy

import numpy as np


def scale(x, factors, options):
    x = np.array(x, dtype=np.float64)
    factors = copy.deepcopy(factors)
    options = dict(options)
    options.setdefault("offset", 0.0)
    if len(factors) != x.shape[-1]:
        raise ValueError("wrong length")
    factors.append(0.0)
    x *= np.asarray(factors[:-1])
    x += options["offset"]
    return x
'''


@pytest.mark.parametrize("source, public, hidden, line", [
    (ARRAY_IN_PLACE, "failed", "failed", "x *= np.asarray(factors): ValueError: output array is read-only"),
    (LIST_IN_PLACE, "failed", "failed", "factors.append(0.0): ReadOnlyInputError"),
    (DICT_IN_PLACE, "failed", "failed", 'options.setdefault("offset", 0.0): ReadOnlyInputError'),
    (ONLY_ON_BAD_INPUT, "passed", "failed", "x[...] = np.nan"),
    (WORKS_ON_COPIES, "passed", "passed", None),
])
def test_a_write_into_an_input_fails_the_test_with_its_line(tmp_path, source, public, hidden, line):
    """Writes into an array, list or dict argument fail the test (even inside a pytest.raises(ValueError), which
    must not take the refusal for the learner's own ValueError), naming the line; work on copies passes."""
    (tmp_path / "solution.py").write_text(source)
    result = run_solution(load_problem(ROOT, "redteam_inputs"), tmp_path / "solution.py")
    got = {t["visibility"]: t for t in result["tests"]}
    assert (got["public"]["status"], got["hidden"]["status"]) == (public, hidden)
    if line is not None:
        message = got["hidden"]["message"]
        assert "scale tried to modify an input in place" in message and line in message, message
        assert "inputs must never be mutated" in message


def test_a_known_mutant_gets_the_mutation_message():
    """masked_softmax's mutant that masks the caller's scores in place: failed, and told why."""
    mutant = REPO / "solutions" / "masked_softmax" / "mutants" / "mutates_scores.py"
    result = run_solution(load_problem(REPO, "masked_softmax"), mutant, "public")
    failed = [t for t in result["tests"] if t["status"] == "failed"]
    assert failed and result["score"] < result["max_score"]
    assert any("masked_softmax tried to modify an input in place" in t["message"] and "scores[~allowed]" in t["message"]
               for t in failed), [t["message"] for t in failed]
