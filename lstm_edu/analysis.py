r"""Small analyses behind the chapters "Inside the cell" (memory cell, forward pass, BPTT).

What it covers
--------------
- ``with_gate_bias(lstm, gate, value)``: a copy of an ``LSTM`` whose gate block ``gate``
  (``"i"``, ``"f"``, ``"g"`` or ``"o"``) has total bias ``value`` (``bias_ih`` block = value,
  ``bias_hh`` block = 0; ``lstm_edu.variants.set_gate_bias`` on a copy). A bias of +-10 clamps
  a sigmoid gate open/shut whatever the input. ``gate_bias(lstm, gate)``: the total bias that
  gate sees now, (H,).
- ``rnn_with_spectral_radius(rho, input_size, hidden_size, seed, kind=...)``: the book's one
  "tanh RNN of spectral radius rho" (chapters 1 and 4, the gradient-flow and BPTT figures): its
  recurrent matrix is ``rho * Q`` with Q orthogonal (``kind="orthogonal"``: every singular value
  is rho too) or a Gaussian matrix rescaled to spectral radius rho (``kind="eigen"``: its
  largest singular value can be far above rho, so gradients can grow although rho < 1).
- ``memory_cell(forget_bias)``: a hand-built 1-unit LSTM (I = H = 1) that *writes* on an input
  pulse ``x = 1`` and otherwise only keeps its cell: with ``x = 0`` the input gate is shut and
  the forget gate is the constant ``sigmoid(forget_bias)`` and the candidate is tanh(0) = 0,
  so after a pulse at step 0, ``c_t = sigmoid(forget_bias) ** t * c_0`` exactly.
- ``half_life(c)``: the first step at which ``|c_t|`` falls to half of ``|c_0|`` or below.
- ``step_values(lstm, x, h0=None, c0=None, batch=0)``: every intermediate number of a forward
  pass, step by step, computed with the readable ``cells.lstm_step_forward``.
- ``step_rows(columns, row_names, digits=4)``: such numbers as table rows
  (for ``lstm_edu.viz.tables.markdown_table``).
- ``truncated_bptt(model, x, dh, k)``: gradients with truncated BPTT (chunks of ``k`` steps;
  the state is carried forward across chunk boundaries, the gradient is not carried back).

Shapes use the book's letters: ``x (T, B, I)``, ``dh (T, B, H)``, states ``(B, H)``.
Not covered: figures (``lstm_edu.viz``), training (``lstm_edu.training.trainer``).
"""

import numpy as np

from lstm_edu.cells import lstm_step_forward
from lstm_edu.lstm import LSTM
from lstm_edu.rnn import RNN
from lstm_edu.variants import set_gate_bias

__all__ = ["GATE_BLOCKS", "LABELS", "with_gate_bias", "gate_bias", "rnn_with_spectral_radius",
           "SPECTRAL_KINDS", "memory_cell", "half_life", "step_values", "step_rows",
           "truncated_bptt"]

#: Row block of each gate in the parameters (torch.nn.LSTM's order, ``LSTM.gate_names``).
GATE_BLOCKS = {name: j for j, name in enumerate(LSTM.gate_names)}
#: The two constructions ``rnn_with_spectral_radius`` knows.
SPECTRAL_KINDS = ("orthogonal", "eigen")

#: LaTeX names of the keys of ``step_values`` (used by ``step_rows``).
LABELS = {"x": "x_t", "h_prev": "h_{t-1}", "c_prev": "c_{t-1}", "a_i": "a_{i,t}",
          "a_f": "a_{f,t}", "a_g": "a_{g,t}", "a_o": "a_{o,t}", "i": "i_t", "f": "f_t",
          "g": "g_t", "o": "o_t", "c": "c_t", "tanh_c": "\\tanh(c_t)", "h": "h_t"}


def with_gate_bias(lstm, gate, value):
    """Copy of ``lstm`` whose ``gate`` block has total bias ``value`` (b_ih = value, b_hh = 0).

    ``value``: a number, or one per unit ``(H,)``. The original is left unchanged.
    """
    copy = LSTM.from_params({k: np.array(v, copy=True) for k, v in lstm.params.items()})
    set_gate_bias(copy, gate, value)
    return copy


def gate_bias(lstm, gate):
    """The total bias ``bias_ih + bias_hh`` that gate ``gate`` of ``lstm`` sees, (H,)."""
    if gate not in GATE_BLOCKS:
        raise ValueError(f"gate: expected one of {sorted(GATE_BLOCKS)}, got {gate!r}")
    H = lstm.params["weight_hh"].shape[1]
    block = slice(GATE_BLOCKS[gate] * H, (GATE_BLOCKS[gate] + 1) * H)
    return lstm.params["bias_ih"][block] + lstm.params["bias_hh"][block]


def rnn_with_spectral_radius(rho, input_size=4, hidden_size=16, seed=0, *, kind="orthogonal"):
    """A tanh ``RNN`` (default init, then ``weight_hh`` replaced) of spectral radius ``rho``.

    ``kind="orthogonal"``: ``weight_hh = rho * Q``, Q the orthogonal factor of the QR of an
    (H, H) standard normal matrix drawn with ``default_rng(seed + 1)`` (signs fixed so that R
    has a positive diagonal). Every eigenvalue has modulus rho and every singular value is rho:
    ``||dh_t/dh_{t-k}||`` is at most ``rho ** k``, the cleanest picture of vanishing (rho < 1)
    and growing (rho > 1) gradients.
    ``kind="eigen"``: ``weight_hh = rho * A / max|eig(A)|``, A an (H, H) standard normal matrix
    drawn with ``default_rng(seed)``. Spectral radius rho, but A is not normal: its largest
    singular value is larger (often several times), so over a few steps a gradient can grow
    even when rho < 1 (Pascanu et al.'s condition is on the largest singular value).

    ``rho``: a non-negative number; sizes are positive ints. Returns a new ``RNN`` whose
    ``weight_ih`` and biases are the default initialization of ``RNN(..., seed=seed)``.
    """
    if kind not in SPECTRAL_KINDS:
        raise ValueError(f"kind: expected one of {SPECTRAL_KINDS}, got {kind!r}")
    if not (isinstance(rho, (int, float, np.floating, np.integer)) and np.isfinite(rho)
            and rho >= 0):
        raise ValueError(f"rho: expected a finite number >= 0, got {rho!r}")
    rnn = RNN(input_size, hidden_size, seed=seed)
    H = hidden_size
    if kind == "orthogonal":
        q, r = np.linalg.qr(np.random.default_rng(seed + 1).standard_normal((H, H)))
        w = rho * (q * np.sign(np.diag(r)))
    else:
        a = np.random.default_rng(seed).normal(size=(H, H))
        w = rho * a / np.max(np.abs(np.linalg.eigvals(a)))
    params = dict(rnn.params)
    params["weight_hh"] = w.astype(params["weight_hh"].dtype)
    return RNN.from_params(params)


def memory_cell(forget_bias, write_gain=10.0):
    """The 1-unit memory cell described in the module docstring (I = H = 1, float64).

    Rows i, f, g, o of ``weight_ih`` (4, 1): [write_gain, 0, 3, 0]; biases
    [-write_gain / 2, forget_bias, 0, 10]; ``weight_hh`` = 0. So x = 1 opens the input gate
    (sigmoid(5)) and writes tanh(3); x = 0 shuts it (sigmoid(-5) * tanh(0) = 0 written).
    """
    params = {
        "weight_ih": np.array([[write_gain], [0.0], [3.0], [0.0]]),
        "weight_hh": np.zeros((4, 1)),
        "bias_ih": np.array([-write_gain / 2, float(forget_bias), 0.0, 10.0]),
        "bias_hh": np.zeros(4),
    }
    return LSTM.from_params(params)


def half_life(c):
    """First index t with |c_t| <= |c_0| / 2 for a 1-D array ``c`` (T,); ``len(c)`` if none."""
    c = np.abs(np.asarray(c, dtype=float))
    below = np.nonzero(c <= c[0] / 2)[0]
    return int(below[0]) if below.size else len(c)


def step_values(lstm, x, h0=None, c0=None, batch=0):
    """Every intermediate number of ``lstm`` on ``x (T, B, I)``, for one batch element.

    Returns a list of T dicts with keys x, h_prev, c_prev, a_i, a_f, a_g, a_o (pre-activations),
    i, f, g, o, c, tanh_c, h; values are (H,) arrays (x is (I,)).
    """
    T, B, _ = x.shape
    H = lstm.hidden_size
    h = np.zeros((B, H)) if h0 is None else h0
    c = np.zeros((B, H)) if c0 is None else c0
    p = lstm.params
    steps = []
    for t in range(T):
        a = x[t] @ p["weight_ih"].T + p["bias_ih"] + h @ p["weight_hh"].T + p["bias_hh"]
        h_new, c_new, k = lstm_step_forward(x[t], h, c, p)
        row = {"x": x[t, batch], "h_prev": h[batch], "c_prev": c[batch]}
        row.update({f"a_{n}": a[batch, j * H:(j + 1) * H] for n, j in GATE_BLOCKS.items()})
        row.update({n: k[n][batch] for n in ("i", "f", "g", "o", "c", "tanh_c")})
        row["h"] = h_new[batch]
        steps.append(row)
        h, c = h_new, c_new
    return steps


def step_rows(columns, row_names, digits=4):
    """Rows for ``lstm_edu.viz.tables.markdown_table`` from ``step_values`` output.

    ``columns`` is {header: {row_name: (n,) array}}. Vector entries are split into one row per
    component, labelled ``$label[j]$`` (j from 1) with the LaTeX name from ``LABELS`` (or the
    row name itself); values are formatted with ``digits`` decimals.
    """
    headers = list(columns)
    rows = []
    for name in row_names:
        n = np.size(next(iter(columns.values()))[name])
        for j in range(n):
            tex = LABELS.get(name, name)
            row = {"quantity": f"${tex}[{j + 1}]$" if n > 1 else f"${tex}$"}
            row.update({h: f"{np.ravel(columns[h][name])[j]:.{digits}f}" for h in headers})
            rows.append(row)
    return rows


def truncated_bptt(model, x, dh, k):
    """Gradients of ``L = sum(dh * h)`` with BPTT truncated to chunks of ``k`` steps.

    model: ``LSTM``, ``RNN``, ``GRU`` or ``LSTMVariant``; x (T, B, I); dh (T, B, H). The
    sequence is cut into chunks of k steps; each chunk starts from the previous chunk's last
    state (forward is exact) but its backward pass stops at the chunk's start. Returns a dict like
    ``model.backward``: parameter gradients summed over chunks, "x" (T, B, I) concatenated.
    With k >= T it equals ``model.backward(model.forward(x), dh)``.
    """
    T = x.shape[0]
    state, total, dx = {}, None, []
    for s in range(0, T, k):
        trace = model.forward(x[s:s + k], **state)
        grads = model.backward(trace, dh[s:s + k])
        state = {"h0": trace.h[-1]}
        if hasattr(trace, "c"):                        # an LSTM (or variant) carries c too
            state["c0"] = trace.c[-1]
        dx.append(grads["x"])
        if total is None:
            total = {n: grads[n].copy() for n in model.params}
        else:
            for n in model.params:
                total[n] += grads[n]
    total["x"] = np.concatenate(dx, axis=0)
    return total
