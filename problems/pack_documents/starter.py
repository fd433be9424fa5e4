"""Pack whole documents into rows. Read the statement with `judge show pack_documents`."""

import numpy as np


def pack_documents(docs, max_len: int, pad_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pack documents in order into rows of max_len tokens; return (input_ids, position_ids, labels).

    Each is int64 (N, max_len). A document that does not fit in the rest of the current row starts a new row;
    a document longer than max_len is split into pieces of max_len (each piece its own document); empty
    documents are skipped. Rows are right-padded with pad_id. position_ids restart at 0 at every document and
    are 0 on padding. labels equal input_ids except -100 at the first token of every document and on padding.

    Raises ValueError naming max_len when max_len < 1.
    """
    raise NotImplementedError("pack_documents is not implemented yet")
