"""Public tests for mlm_collate: run them with `judge test mlm_collate`."""

import numpy as np
import pytest

from judge.checkers import CheckFailure, expect_array, expect_raises, expect_sequence

PAD, EOS, CLS, SEP, MASK = 0, 1, 2, 3, 4
SPECIAL_IDS = {"cls_id": CLS, "sep_id": SEP, "pad_id": PAD, "mask_token_id": MASK}


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_mlm_probability_zero(sol):
    """p = 0: the plain batch [CLS] tokens [SEP], right-padded, labels all -100 (statement example)."""
    got = expect_sequence(sol.mlm_collate([[5, 6], [7]], **SPECIAL_IDS, vocab_size=30, rng=np.random.default_rng(0),
                                          mlm_probability=0.0), 3, name="mlm_collate")
    expect_array(got[0], np.array([[2, 5, 6, 3], [2, 7, 3, 0]]), name="input_ids")
    expect_array(got[1], np.array([[1, 1, 1, 1], [1, 1, 1, 0]]), name="attention_mask")
    expect_array(got[2], np.full((2, 4), -100), name="labels")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
def test_mlm_probability_one(sol):
    """p = 1, pad_to_multiple_of 4: every content token labelled with its original id; specials/padding -100."""
    seqs = [[11, 12, 13, 14, 15, 16], [21, 22, 23]]
    got = expect_sequence(sol.mlm_collate(seqs, **SPECIAL_IDS, vocab_size=30, rng=np.random.default_rng(1),
                                          mlm_probability=1.0, pad_to_multiple_of=4), 3, name="mlm_collate")
    expect_array(got[1], np.array([[1] * 8, [1] * 5 + [0] * 3]), name="attention_mask")
    expect_array(got[2], np.array([[-100, 11, 12, 13, 14, 15, 16, -100], [-100, 21, 22, 23] + [-100] * 4]),
                 name="labels")
    inputs = got[0]
    expect_array(inputs[:, [0, 7]] if isinstance(inputs, np.ndarray) and inputs.shape == (2, 8) else inputs,
                 np.array([[2, 3], [2, 0]]), name="input_ids at [CLS] and the last column")
    if ((inputs < 0) | (inputs >= 30)).any():
        raise CheckFailure(f"input_ids must be ids in [0, vocab_size=30), got {inputs}")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_clm_collate_example(sol):
    """clm_collate: tokens + eos, right-padded; labels are the input ids with -100 on padding."""
    got = expect_sequence(sol.clm_collate([[5, 6], [7]], eos_id=EOS, pad_id=PAD), 3, name="clm_collate")
    expect_array(got[0], np.array([[5, 6, 1], [7, 1, 0]]), name="input_ids")
    expect_array(got[1], np.array([[1, 1, 1], [1, 1, 0]]), name="attention_mask")
    expect_array(got[2], np.array([[5, 6, 1], [7, 1, -100]]), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_bad_probability(sol):
    """mlm_probability outside [0, 1] raises ValueError naming mlm_probability."""
    expect_raises(ValueError, sol.mlm_collate, [[5]], **SPECIAL_IDS, vocab_size=30, rng=np.random.default_rng(0),
                  mlm_probability=1.5, match="mlm_probability")
