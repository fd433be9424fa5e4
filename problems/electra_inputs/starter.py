"""ELECTRA replaced-token detection. Read the statement with `judge show electra_inputs`."""

import numpy as np


def electra_inputs(input_ids: np.ndarray, masked_positions: np.ndarray, generator_samples: np.ndarray,
                   attention_mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(discriminator_inputs, labels), int64 (B, T).

    discriminator_inputs: generator_samples at masked positions, input_ids elsewhere.
    labels: 1 where the discriminator input differs from input_ids, 0 where it is the same, -100 where
    attention_mask is 0.
    """
    raise NotImplementedError("electra_inputs is not implemented yet")
