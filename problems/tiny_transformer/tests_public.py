"""Public tests for tiny_transformer: run them with `judge test tiny_transformer`."""

import math

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_allclose, expect_float, expect_raises, expect_sequence

TOL = {"rtol": 1e-9, "atol": 1e-12}


def example_params():
    return {
        "tok": np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), "pos": np.zeros((2, 2)),
        "wq": np.zeros((2, 2)), "wk": np.zeros((2, 2)), "wv": np.eye(2), "wo": np.eye(2),
        "out": np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]]),
    }


def loss_from_logits(logits, targets):
    total, n = 0.0, 0
    for index in np.ndindex(*targets.shape):
        if targets[index] == -100:
            continue
        row = [float(v) for v in logits[index]]
        m = max(row)
        total += m + math.log(math.fsum(math.exp(v - m) for v in row)) - row[int(targets[index])]
        n += 1
    return total / n


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example_forward(sol):
    """The statement's example, causal and bidirectional."""
    ids = np.array([[0, 1]])
    causal = sol.forward(example_params(), ids, np.tril(np.ones((2, 2), bool)))
    expect_allclose(causal, np.array([[[2.0, 0.0, 2.0], [0.5, 1.5, 2.0]]]), name="forward (causal)", **TOL)
    both = sol.forward(example_params(), ids, np.ones((2, 2), bool))
    expect_allclose(both, np.array([[[1.5, 0.5, 2.0], [0.5, 1.5, 2.0]]]), name="forward (all True)", **TOL)


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_statement_example_loss(sol):
    """The statement's loss: log(2 e^2 + 1) - 2, and a zero row for an absent token."""
    out = sol.loss_and_grads(example_params(), np.array([[0, 1]]), np.tril(np.ones((2, 2), bool)),
                             np.array([[2, -100]]))
    loss, grads = expect_sequence(out, 2, name="loss_and_grads(...)")
    expect_float(loss, math.log(2 * math.e ** 2 + 1) - 2, rtol=1e-9, atol=1e-12, name="loss")
    expect_allclose(grads["tok"][2], np.zeros(2), rtol=0, atol=0, name="grads['tok'][2]")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_gradient_along_a_random_direction(sol):
    """Central differences of your forward along one random direction per array agree with sum(grads[k] * u[k]),
    for each of the seven arrays (the message names every array that disagrees)."""
    rng = np.random.default_rng(7)
    v, d, t = 6, 4, 5
    params = {"tok": rng.normal(size=(v, d)), "pos": rng.normal(size=(t, d)), "out": rng.normal(size=(d, v))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(size=(d, d)) / 2
    ids = rng.integers(0, v, size=(2, t))
    targets = np.where(rng.random((2, t)) < 0.7, rng.integers(0, v, size=(2, t)), -100)
    mask = np.tril(np.ones((t, t), bool))
    _, grads = expect_sequence(sol.loss_and_grads(params, ids, mask, targets), 2, name="loss_and_grads(...)")
    u = {key: rng.normal(size=value.shape) for key, value in params.items()}
    h = 1e-5
    wrong = []
    for key in ("tok", "pos", "wq", "wk", "wv", "wo", "out"):
        plus, minus = dict(params), dict(params)
        plus[key], minus[key] = params[key] + h * u[key], params[key] - h * u[key]
        fd = (loss_from_logits(sol.forward(plus, ids, mask), targets)
              - loss_from_logits(sol.forward(minus, ids, mask), targets)) / (2 * h)
        got = float(np.sum(np.asarray(grads[key], dtype=np.float64) * u[key]))
        if not math.isclose(got, fd, rel_tol=1e-5, abs_tol=1e-8):
            wrong.append(f"grads['{key}']: central differences {fd:.6g}, yours {got:.6g}")
    if wrong:
        raise CheckFailure(f"wrong gradients: {len(wrong)} of 7 arrays disagree with central differences of your "
                           f"forward along a random direction (rtol 1e-5, atol 1e-8): " + "; ".join(wrong))


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_id_out_of_range(sol):
    """An id equal to V raises ValueError naming ids."""
    expect_raises(ValueError, sol.forward, example_params(), np.array([[0, 3]]), np.ones((2, 2), bool),
                  match="ids")
