"""The numpy heads compute what the torch modules they were trained as compute."""

from __future__ import annotations

import numpy as np
import pytest

from newsprism.propaganda.heads import SpanTagger
from newsprism.train.propaganda import tagger_arrays


def test_numpy_bilstm_matches_torch_on_ragged_sentences() -> None:
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    dim, proj, hidden = 7, 5, 4
    lin = torch.nn.Linear(dim, proj)
    lstm = torch.nn.LSTM(proj, hidden, batch_first=True, bidirectional=True)
    out = torch.nn.Linear(2 * hidden, 3)
    state = {f"proj.{k}": v for k, v in lin.state_dict().items()}
    state |= {f"lstm.{k}": v for k, v in lstm.state_dict().items()}
    state |= {f"out.{k}": v for k, v in out.state_dict().items()}
    arrays = tagger_arrays(
        {k: v.detach().numpy() for k, v in state.items()},
        np.ones(1, np.float32),
        np.zeros(dim, np.float32),
        np.ones(dim, np.float32),
    )
    tagger = SpanTagger({k: np.asarray(v, np.float32) for k, v in arrays.items()}, {})
    rng = np.random.default_rng(0)
    lengths = [3, 1, 6]
    x = rng.normal(size=(sum(lengths), dim)).astype(np.float32)
    sentence = np.repeat(np.arange(3), lengths)
    got = tagger.tag_probs(x, sentence)
    expected = []
    with torch.no_grad():
        start = 0
        for n in lengths:
            seq = torch.from_numpy(x[start : start + n])[None]
            h, _ = lstm(lin(seq))
            expected.append(torch.softmax(out(h), -1)[0].numpy())
            start += n
    np.testing.assert_allclose(got, np.concatenate(expected), atol=1e-5)
