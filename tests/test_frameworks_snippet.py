"""The PyTorch listings of chapter 7 are the tested code.

The chapter shows them as markdown code blocks (the book builds without torch). This test pulls
each listing out of the notebook by its first line, executes it with torch, and checks it:
the weight-transfer listing must reproduce ``lstm_edu``'s outputs; the forecasting model must
train (its loss falls) on a small series.
"""

import json
import re
from pathlib import Path

import numpy as np
import pytest
import torch

from lstm_edu import LSTM

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "07_frameworks.ipynb"
FENCE = re.compile(r"```python\n(.*?)```", re.S)


def listing(first_line_contains: str) -> str:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    blocks = [b for cell in nb["cells"] if cell["cell_type"] == "markdown"
              for b in FENCE.findall("".join(cell["source"]))]
    found = [b for b in blocks if first_line_contains in b.splitlines()[0]]
    assert len(found) == 1, f"expected one listing whose first line has {first_line_contains!r}"
    return found[0]


@pytest.mark.parametrize("T,B,I,H,seed", [(5, 2, 3, 4, 0), (12, 3, 1, 7, 1)])
def test_torch_listing_reproduces_lstm_edu(T, B, I, H, seed):  # noqa: E741
    lstm = LSTM(input_size=I, hidden_size=H, seed=seed)
    x = np.random.default_rng(seed).normal(size=(T, B, I))
    ns = {"x": x, "params": lstm.params}
    exec(compile(listing("PyTorch with lstm_edu's weights"), "listing", "exec"), ns)
    trace = lstm.forward(x)
    assert ns["h_torch"].shape == (T, B, H)
    assert np.allclose(ns["h_torch"], trace.h, atol=1e-12)
    assert np.allclose(ns["h_T"].numpy()[0], trace.h[-1], atol=1e-12)
    assert np.allclose(ns["c_T"].numpy()[0], trace.c[-1], atol=1e-12)


def test_torch_forecaster_listing_trains():
    torch.manual_seed(0)
    t = np.arange(220, dtype=np.float32)
    series = np.sin(2 * np.pi * t / 12)
    windows = np.stack([series[k:k + 6] for k in range(200)])
    X = torch.from_numpy(windows[:, :, None])                   # (B, T, 1)
    y = torch.from_numpy(series[6:206, None])                   # (B, 1)
    ns = {"X": X, "y": y, "n_epochs": 150}
    exec(compile(listing("PyTorch forecasting model"), "listing", "exec"), ns)
    with torch.no_grad():
        final = torch.nn.functional.mse_loss(ns["model"](X), y).item()
    assert final < 0.5 * float(y.var())
    assert ns["model"](X).shape == (200, 1)
