"""Public tests for encoder_decoder_inputs: run them with `judge test encoder_decoder_inputs`."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence

LABELS = np.array([[5, 6, 7, 1], [8, 1, -100, -100]])


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_shift_example(sol):
    """The statement's example: start token first, last label dropped, -100 becomes the pad id."""
    expected = np.array([[2, 5, 6, 7], [2, 8, 1, 0]], dtype=np.int64)
    expect_array(sol.shift_tokens_right(LABELS, 0, 2), expected, name="shift_tokens_right(labels, 0, 2)")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_pad_none(sol):
    """pad_token_id None raises ValueError naming pad_token_id."""
    expect_raises(ValueError, sol.shift_tokens_right, LABELS, None, 2, match="pad_token_id")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_masks_example(sol):
    """The statement's example of the three masks."""
    encoder, decoder, cross = expect_sequence(sol.seq2seq_masks(np.array([[1, 1, 1, 0]]), np.array([[1, 1, 0]])),
                                              3, name="seq2seq_masks")
    expect_array(encoder, np.array([[[[1, 1, 1, 0]] * 4]], dtype=bool), name="encoder mask of seq2seq_masks")
    expect_array(decoder, np.array([[[[1, 0, 0], [1, 1, 0], [1, 1, 0]]]], dtype=bool),
                 name="decoder mask of seq2seq_masks")
    expect_array(cross, np.array([[[[1, 1, 1, 0]] * 3]], dtype=bool), name="cross mask of seq2seq_masks")


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_mask_values(sol):
    """A mask holding a 2 raises ValueError naming it."""
    expect_raises(ValueError, sol.seq2seq_masks, np.array([[1, 2]]), np.array([[1]]), match="attention_mask")
