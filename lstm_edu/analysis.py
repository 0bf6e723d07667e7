r"""Small analyses behind the chapters "Inside the cell" (memory cell, forward pass, BPTT).

What it covers
--------------
- ``with_gate_bias(lstm, gate, value)``: a copy of an ``LSTM`` whose gate block ``gate``
  (``"i"``, ``"f"``, ``"g"`` or ``"o"``) has total bias ``value`` (``bias_ih`` block = value,
  ``bias_hh`` block = 0). A bias of +-10 clamps a sigmoid gate open/shut whatever the input.
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
from lstm_edu.variants import set_gate_bias

__all__ = ["GATE_BLOCKS", "LABELS", "with_gate_bias", "memory_cell", "half_life", "step_values",
           "step_rows", "truncated_bptt"]

GATE_BLOCKS = {"i": 0, "f": 1, "g": 2, "o": 3}   # torch.nn.LSTM's row-block order

#: LaTeX names of the keys of ``step_values`` (used by ``step_rows``).
LABELS = {"x": "x_t", "h_prev": "h_{t-1}", "c_prev": "c_{t-1}", "a_i": "a_{i,t}",
          "a_f": "a_{f,t}", "a_g": "a_{g,t}", "a_o": "a_{o,t}", "i": "i_t", "f": "f_t",
          "g": "g_t", "o": "o_t", "c": "c_t", "tanh_c": "\\tanh(c_t)", "h": "h_t"}


def with_gate_bias(lstm, gate, value):
    """Copy of ``lstm`` whose ``gate`` block has total bias ``value`` (b_ih = value, b_hh = 0)."""
    if gate not in GATE_BLOCKS:
        raise ValueError(f"gate: expected one of {sorted(GATE_BLOCKS)}, got {gate!r}")
    copy = LSTM.from_params({k: np.array(v, copy=True) for k, v in lstm.params.items()})
    set_gate_bias(copy, gate, value)
    return copy


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
