"""The PyTorch and Keras listings of chapter 7 (and chapter 10's PyTorch one) are tested code.

The chapter shows them as markdown code blocks (the book builds without torch or Keras). This
test pulls each listing out of the notebook, executes it, and checks it: the weight-transfer
listings must reproduce ``lstm_edu``'s outputs (PyTorch in float64 to 1e-12, Keras in float32
to a relative 1e-5); the forecasting models must train (their loss falls) on a small series.

Keras is Keras 3 on the torch backend (``KERAS_BACKEND=torch``, set before keras is imported;
TensorFlow is not installed). Keras 3 is its own package, so a listing's TensorFlow-era
``from tensorflow import keras`` runs as ``import keras`` (``keras_source``): the one line
changed, and only if present.

Chapter 10 ("LSTMs in practice") shows the line practitioners meet first, a two-layer
bidirectional ``nn.LSTM`` with dropout over ``pack_padded_sequence``; run with lstm_edu's
weights, it must give ``StackedLSTM``'s output, h_n, c_n and read-out features.
"""

import json
import os
import re
from pathlib import Path

os.environ["KERAS_BACKEND"] = "torch"      # before keras is imported: no TensorFlow here

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from lstm_edu import LSTM, StackedLSTM  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parents[1] / "chapters" / "07_frameworks.ipynb"
PRACTICE = NOTEBOOK.parent / "10_in_practice.ipynb"
FENCE = re.compile(r"```python\n(.*?)```", re.S)


def listing(first_line_contains: str, notebook: Path = NOTEBOOK) -> str:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    blocks = [b for cell in nb["cells"] if cell["cell_type"] == "markdown"
              for b in FENCE.findall("".join(cell["source"]))]
    found = [b for b in blocks if first_line_contains in b.splitlines()[0]]
    assert len(found) == 1, f"expected one listing whose first line has {first_line_contains!r}"
    return found[0]


def listing_with(*fragments: str) -> str:
    """The one markdown listing of the chapter that contains every fragment."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    blocks = [b for cell in nb["cells"] if cell["cell_type"] == "markdown"
              for b in FENCE.findall("".join(cell["source"]))]
    found = [b for b in blocks if all(f in b for f in fragments)]
    assert len(found) == 1, f"expected one listing containing {fragments!r}, got {len(found)}"
    return found[0]


def keras_source(code: str) -> str:
    """A Keras listing as Keras 3 runs it: ``from tensorflow import keras`` -> ``import keras``."""
    return code.replace("from tensorflow import keras", "import keras")


@pytest.mark.parametrize("T,B,I,H,seed", [(5, 2, 3, 4, 0), (12, 3, 1, 7, 1)])
def test_torch_listing_reproduces_lstm_edu(T, B, I, H, seed):
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


# Keras 3.15 on numpy 2 warns about its own __array__ signature when weights are read back.
KERAS_WARNING = "ignore:__array__ implementation:DeprecationWarning"


@pytest.mark.filterwarnings(KERAS_WARNING)
@pytest.mark.parametrize("T,B,I,H,seed", [(5, 2, 3, 4, 0), (12, 3, 1, 7, 1)])
def test_keras_listing_reproduces_lstm_edu(T, B, I, H, seed):
    lstm = LSTM(input_size=I, hidden_size=H, seed=seed)
    x = np.random.default_rng(seed).normal(size=(T, B, I))
    ns = {"x": x, "params": lstm.params}
    code = keras_source(listing("Keras with lstm_edu's weights"))
    exec(compile(code, "listing", "exec"), ns)
    h = lstm.forward(x).h                                       # (T, B, H)
    assert ns["h_keras"].shape == (B, T, H)
    err = np.abs(ns["h_keras"] - np.transpose(h, (1, 0, 2))).max() / np.abs(h).max()
    assert err < 1e-5


@pytest.mark.filterwarnings(KERAS_WARNING)
def test_keras_forecaster_listing_trains():
    import keras

    keras.utils.set_random_seed(0)
    t = np.arange(220, dtype=np.float32)
    series = np.sin(2 * np.pi * t / 12)
    X = np.stack([series[k:k + 6] for k in range(200)])[:, :, None]   # (samples, 6, 1)
    y = series[6:206, None]
    ns = {"X": X, "y": y, "n_steps": 6, "n_epochs": 40}
    code = keras_source(listing_with("keras.layers.Dense(1)", "model.fit"))
    exec(compile(code, "listing", "exec"), ns)
    model = ns["model"]
    assert model.layers[0].units == 50 and model.output_shape == (None, 1)
    losses = model.history.history["loss"]                      # per epoch, from model.fit
    assert len(losses) == 40 and losses[-1] < 0.2 * losses[0]
    final = float(np.mean((model.predict(X, verbose=0) - y) ** 2))
    assert final < 0.2 * float(np.mean(y ** 2))                 # predicting 0 scores mean(y^2)


def test_practice_listing_reproduces_stacked_lstm():
    I, H, lengths = 3, 4, [4, 6, 1, 3]
    net = StackedLSTM(I, H, num_layers=2, bidirectional=True, dropout=0.3, seed=0,
                      dtype=np.float32)
    x = np.random.default_rng(0).normal(size=(6, 4, I)).astype(np.float32)
    ns = {"I": I, "H": H, "params": net.params, "x": x, "lengths": lengths}
    exec(compile(listing("Reading real code", PRACTICE), "listing", "exec"), ns)
    tr = net.forward(x, lengths=lengths)                       # train=False: dropout off
    got = {k: ns[k].detach().numpy() for k in ("out", "h_n", "c_n", "features")}
    assert got["out"].shape == (6, 4, 2 * H) and got["h_n"].shape == (4, 4, H)
    np.testing.assert_allclose(got["out"], tr.output, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got["h_n"], tr.h_n, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got["c_n"], tr.c_n, rtol=0, atol=1e-6)
    np.testing.assert_allclose(got["features"], np.concatenate([tr.h_n[-2], tr.h_n[-1]], 1),
                               rtol=0, atol=1e-6)
    assert ns["out_lengths"].tolist() == lengths
