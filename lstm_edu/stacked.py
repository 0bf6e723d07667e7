r"""Stacked, bidirectional LSTM/GRU/RNN over variable-length batches: torch.nn's multi-layer API.

What it covers: ``StackedLSTM``, ``StackedGRU`` and ``StackedRNN`` (tanh), numerically equal to
``torch.nn.LSTM / GRU / RNN(I, H, num_layers=L, bidirectional=..., dropout=p)`` run on a batch
packed with ``pack_padded_sequence(x, lengths, enforce_sorted=False)`` and unpacked with
``pad_packed_sequence(..., total_length=T)``; forward and hand-written BPTT through every layer
and direction. Each layer and direction *is* a one-layer model (``lstm_edu.lstm.LSTM``,
``gru.GRU``, ``rnn.RNN``): this module only decides which steps each of them sees.
Not covered: ``batch_first``, ``proj_size``, ReLU RNNs, ``PackedSequence`` objects (pass
``lengths`` instead), training loops.

Shapes (D = 2 if bidirectional else 1, L = num_layers)::

    x       (T, B, I)        lengths (B,) ints in [1, T], any order; None = all T
    h0, c0  (L*D, B, H)      None = zeros
    output  (T, B, D*H)      the last layer; zero past each sequence's length
    h_n, c_n (L*D, B, H)     each sequence's state at its last valid step

torch's conventions, kept exactly:

- ``params`` are ``state_dict()``'s names and shapes: ``weight_ih_l{k}`` (G*H, I) for k = 0 and
  (G*H, D*H) above, ``weight_hh_l{k}`` (G*H, H), ``bias_ih_l{k}``, ``bias_hh_l{k}`` (G*H,), and
  the same with ``_reverse`` for the backward direction (G = 4 LSTM, 3 GRU, 1 RNN).
- ``h_n[layer * D + direction]``: layer 0 forward, layer 0 reverse, layer 1 forward, ...
  ``h_n[-1]`` is the last layer's *reverse* direction when bidirectional; the last layer's two
  final states are ``h_n[-2]`` (forward, at the last valid step) and ``h_n[-1]`` (reverse, at
  t = 0). ``output[t, :, :H]`` is the forward half, ``output[t, :, H:]`` the reverse half.
- Packed semantics: a sequence's steps past its length are never run, so they change nothing
  (whatever the padding holds), ``output`` is zero there and gradients into them are zero.
  The reverse direction starts at each sequence's *own* last valid step: it reads
  ``x[length - 1], ..., x[0]``, not the padding.
- Dropout (inverted, scale 1 / (1 - p)) on each layer's output except the last, only when
  ``train=True`` (torch's training mode). The masks stay in the trace, and backward uses them.

Beyond torch (keyword-only, also only when ``train=True``): variational dropout (Gal &
Ghahramani 2016; ``lstm_edu.dropout``), one mask per sequence and (layer, direction), the
same at every step: ``input_dropout`` on each layer's input, ``recurrent_dropout`` on h_{t-1}
where it enters the recurrence. Draw order from the generator, per layer: each direction's
input mask, then its recurrent mask, then the between-layer mask; a p of 0 draws nothing.

How packing is done here, with the one-layer models unchanged: sort the distinct lengths
l_1 < l_2 < ...; between two of them the set of running sequences is constant, so each time
span [l_{k-1}, l_k) is one call of the one-layer ``forward`` on the sequences still running,
started from their states at the end of the previous span. A sequence that ends at l_k keeps
its state from then on: that is its ``h_n``. Backward walks the spans in reverse; the gradient
reaching a span's last state (``dh_n``/``dc_n`` for the sequences that end there, else what
the next span sends back as its ``h0``/``c0`` gradient) enters as ``dh[-1]`` and ``dc_last``.
The reverse direction is the same run on each sequence reversed within its own length.
"""

from dataclasses import dataclass

import numpy as np

from lstm_edu import dropout as drop
from lstm_edu import packing, state_dict
from lstm_edu._validation import (
    PARAM_NAMES,
    as_real_array,
    check_finite,
    check_grad_output,
    check_model_dtype,
    check_size,
)
from lstm_edu.gru import GRU
from lstm_edu.lstm import LSTM
from lstm_edu.rnn import RNN

__all__ = ["StackedLSTM", "StackedGRU", "StackedRNN", "StackedTrace", "StackedLSTMTrace"]


@dataclass(repr=False)
class StackedTrace:
    """Everything a stacked forward pass computed (``StackedGRU``, ``StackedRNN``).

    x (T, B, I); output (T, B, D*H); h_n (L*D, B, H); lengths (B,) int64;
    layer_outputs: L arrays (T, B, D*H), each layer's output before dropout;
    dropout_masks: L - 1 arrays (T, B, D*H) (0 or 1 / (1 - p)), or None where none was applied;
    input_masks, recurrent_masks: L*D arrays (B, n_in) and (B, H) (variational), or None;
    runs: runs[k] for k = layer * D + direction: (cell, [one-layer trace per time span]);
    spans: [(start, stop, active indices)], the time spans of the packed batch.
    """

    x: np.ndarray
    output: np.ndarray
    h_n: np.ndarray
    lengths: np.ndarray
    layer_outputs: list
    dropout_masks: list
    input_masks: list
    recurrent_masks: list
    runs: list
    spans: list

    def __repr__(self):
        T, B, I = self.x.shape
        return (f"{type(self).__name__}(T={T}, B={B}, I={I}, H={self.h_n.shape[2]}, "
                f"L*D={self.h_n.shape[0]}, dtype={self.output.dtype})")


@dataclass(repr=False)
class StackedLSTMTrace(StackedTrace):
    """A ``StackedLSTM`` trace: ``StackedTrace`` plus c_n (L*D, B, H)."""

    c_n: np.ndarray


class _Stacked:
    """Sizes, torch-layout parameters, checks and the layer/direction loops of the three models.

    Subclasses set ``cell_class`` (the one-layer model) and ``has_cell`` (LSTM: a c state) and
    define the public ``forward``/``backward`` with their own state arguments.
    """

    cell_class = LSTM
    has_cell = True

    def __init__(self, input_size, hidden_size, num_layers=1, bidirectional=False, dropout=0.0,
                 seed=None, dtype=np.float64, *, input_dropout=0.0, recurrent_dropout=0.0):
        self._set_config(check_size(input_size, "input_size"),
                         check_size(hidden_size, "hidden_size"),
                         check_size(num_layers, "num_layers"), bidirectional,
                         (dropout, input_dropout, recurrent_dropout), check_model_dtype(dtype))
        self.rng = np.random.default_rng(seed)          # params first, then dropout masks
        bound = 1.0 / np.sqrt(self.hidden_size)          # torch: U(-1/sqrt(H), 1/sqrt(H))
        self.params = {key: self.rng.uniform(-bound, bound, size=shape).astype(self.dtype)
                       for key, (shape, _) in self._param_shapes().items()}

    def _set_config(self, input_size, hidden_size, num_layers, bidirectional, dropouts, dtype):
        if not isinstance(bidirectional, (bool, np.bool_)):
            raise TypeError(f"bidirectional: expected True or False, got {bidirectional!r}")
        self.dropout, self.input_dropout, self.recurrent_dropout = (
            drop.check_probability(p, name) for p, name in
            zip(dropouts, ("dropout", "input_dropout", "recurrent_dropout"), strict=True))
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bidirectional, self.dtype = bool(bidirectional), dtype
        self.num_directions = 2 if self.bidirectional else 1

    @classmethod
    def from_params(cls, params, dropout=0.0, seed=None, *, input_dropout=0.0,
                    recurrent_dropout=0.0):
        """A model holding copies of ``params`` (torch ``state_dict`` names, numpy arrays or
        anything ``np.asarray`` takes); num_layers, bidirectional, sizes and dtype inferred.
        The dropouts and ``seed`` (of the dropout masks) are not in a state_dict: give them."""
        I, H, L, bidi, dtype = state_dict.infer_config(params, cls.cell_class.n_gates)
        arrays = {k: np.asarray(v) for k, v in params.items()}
        model = cls.__new__(cls)
        model._set_config(I, H, L, bidi, (dropout, input_dropout, recurrent_dropout), dtype)
        model._check_params(arrays)
        model.params = {k: np.array(arrays[k], copy=True) for k in model._param_shapes()}
        model.rng = np.random.default_rng(seed)
        return model

    # ---- sizes and parameters -------------------------------------------------------------

    def _param_shapes(self):
        """{torch name: (shape, description)} in state_dict order."""
        return state_dict.param_shapes(self.cell_class.n_gates, self.input_size,
                                       self.hidden_size, self.num_layers, self.num_directions)

    def _check_params(self, params, name="params"):
        """Exactly the expected keys, each a finite array of its shape and the model's dtype."""
        what = (f"torch.nn.{self.cell_class.__name__}({self.input_size}, {self.hidden_size}, "
                f"num_layers={self.num_layers}, bidirectional={self.bidirectional})")
        state_dict.check_params(params, self._param_shapes(), self.dtype, what, name)

    @property
    def num_params(self):
        """Number of scalar parameters (as ``sum(p.numel() for p in torch_model.parameters())``)."""
        return sum(int(np.prod(shape)) for shape, _ in self._param_shapes().values())

    def __repr__(self):
        extra = "".join(f", {k}={getattr(self, k)}" for k in ("input_dropout",
                        "recurrent_dropout") if getattr(self, k))
        return (f"{type(self).__name__}(input_size={self.input_size}, "
                f"hidden_size={self.hidden_size}, num_layers={self.num_layers}, "
                f"bidirectional={self.bidirectional}, dropout={self.dropout}{extra}, "
                f"dtype={self.dtype})")

    def _cell(self, layer, direction):
        """The one-layer model of (layer, direction), holding copies of its current params."""
        return self.cell_class.from_params(
            {name: self.params[state_dict.key(name, layer, direction)] for name in PARAM_NAMES})

    # ---- input checks ---------------------------------------------------------------------

    def _check_x(self, x):
        arr = as_real_array(x, "x", self.dtype)
        if arr.ndim != 3 or arr.shape[2] != self.input_size or 0 in arr.shape:
            raise ValueError(f"x: expected a 3-D array of shape (T, B, I={self.input_size}) "
                             f"with T, B >= 1, got shape {arr.shape}")
        return arr

    def _check_state(self, value, name, B):
        """An initial state (L*D, B, H); None means zeros. Always a fresh array."""
        shape = (self.num_layers * self.num_directions, B, self.hidden_size)
        if value is None:
            return np.zeros(shape, dtype=self.dtype)
        arr = as_real_array(value, name, self.dtype)
        if arr.shape != shape:
            raise ValueError(
                f"{name}: expected shape (L*D, B, H) = {shape} for num_layers="
                f"{self.num_layers}, bidirectional={self.bidirectional} (D="
                f"{self.num_directions}) and x's batch size B={B}, got shape {arr.shape}")
        check_finite(arr, name)
        return np.array(arr, copy=True)

    # ---- one layer, one direction over a packed batch -------------------------------------

    def _run_direction(self, cell, x, spans, h, c, mask_h=None):
        """x (T, B, n_in) in the direction's time order; h, c (B, H) initial states, updated in
        place to each sequence's final state; mask_h (B, H) a recurrent dropout mask or None.
        Returns output (T, B, H) and the span traces."""
        output = np.zeros(x.shape[:2] + (self.hidden_size,), dtype=self.dtype)
        traces = []
        for start, stop, active in spans:
            states = {"h0": h[active], "c0": c[active]} if self.has_cell else {"h0": h[active]}
            if mask_h is None:
                tr = cell.forward(x[start:stop, active], **states)
            else:
                tr = drop.recurrent_forward(cell, x[start:stop, active], mask_h[active], **states)
            output[start:stop, active] = tr.h
            h[active] = tr.h[-1]
            if self.has_cell:
                c[active] = tr.c[-1]
            traces.append(tr)
        return output, traces

    def _backprop_direction(self, cell, traces, spans, d_out, dh, dc, n_in):
        """BPTT of ``_run_direction``. d_out (T, B, H) = dL/d(output) (read only at valid
        steps); dh, dc (B, H) = dL/d(final states), updated in place to dL/d(initial states).
        Returns (param grads keyed weight_ih ..., dL/dx (T, B, n_in))."""
        T, B, _ = d_out.shape
        dx = np.zeros((T, B, n_in), dtype=self.dtype)
        grads = {name: np.zeros_like(cell.params[name]) for name in PARAM_NAMES}
        for (start, stop, active), tr in zip(reversed(spans), reversed(traces), strict=True):
            dh_span = d_out[start:stop, active]                   # a copy (fancy index)
            dh_span[-1] += dh[active]                            # grad reaching the last state
            back = (drop.recurrent_backward if isinstance(tr, drop.RecurrentDropoutTrace)
                    else cell.backward)
            if self.has_cell:
                g = back(tr, dh_span, dc_last=dc[active])
                dc[active] = g["c0"]
            else:
                g = back(tr, dh_span)
            dh[active] = g["h0"]
            dx[start:stop, active] = g["x"]
            for name in PARAM_NAMES:
                grads[name] += g[name]
        return grads, dx

    # ---- the stack ------------------------------------------------------------------------

    def _forward(self, x, h0, c0, lengths, train, seed):
        if not isinstance(train, (bool, np.bool_)):
            raise TypeError(f"train: expected True or False, got {train!r}")
        x = self._check_x(x)
        T, B, _ = x.shape
        lengths = packing.check_lengths(lengths, T, B)
        packing.check_valid_steps_finite(x, lengths)
        h_n = self._check_state(h0, "h0", B)                    # updated in place to h_n
        c_n = self._check_state(c0, "c0", B) if self.has_cell else None
        self._check_params(self.params)
        rng = self.rng if seed is None else np.random.default_rng(seed)
        spans, D, p = packing.time_spans(lengths), self.num_directions, self.dropout
        p_x, p_h = (self.input_dropout, self.recurrent_dropout) if train else (0.0, 0.0)

        layer_in, layer_outputs, masks, runs, x_masks, h_masks = x, [], [], [], [], []
        for layer in range(self.num_layers):
            halves = []
            for d in range(D):
                k = layer * D + d
                cell = self._cell(layer, d)
                seq = layer_in if d == 0 else packing.reverse_within_lengths(layer_in, lengths)
                m_x = drop.inverted_mask(rng, (B, seq.shape[2]), p_x, self.dtype) if p_x else None
                m_h = drop.inverted_mask(rng, (B, self.hidden_size), p_h, self.dtype) if p_h \
                    else None
                x_masks.append(m_x)
                h_masks.append(m_h)
                out, traces = self._run_direction(cell, seq if m_x is None else seq * m_x, spans,
                                                  h_n[k], c_n[k] if self.has_cell else None, m_h)
                halves.append(out if d == 0 else packing.reverse_within_lengths(out, lengths))
                runs.append((cell, traces))
            y = np.concatenate(halves, axis=2) if D == 2 else halves[0]   # (T, B, D*H)
            layer_outputs.append(y)
            if layer < self.num_layers - 1:
                mask = None
                if train and p > 0:
                    mask = drop.inverted_mask(rng, y.shape, p, self.dtype)
                    y = y * mask
                masks.append(mask)
            layer_in = y

        fields = dict(x=x, output=layer_outputs[-1], h_n=h_n, lengths=lengths,
                      layer_outputs=layer_outputs, dropout_masks=masks, input_masks=x_masks,
                      recurrent_masks=h_masks, runs=runs, spans=spans)
        return StackedLSTMTrace(**fields, c_n=c_n) if self.has_cell else StackedTrace(**fields)

    def _backward(self, trace, d_output, dh_n, dc_n):
        expected = StackedLSTMTrace if self.has_cell else StackedTrace
        if not isinstance(trace, expected) or (not self.has_cell and hasattr(trace, "c_n")):
            raise TypeError(f"trace: expected a {expected.__name__} from "
                            f"{type(self).__name__}.forward, got {type(trace).__name__}")
        T, B, _ = trace.x.shape
        H, D, L = self.hidden_size, self.num_directions, self.num_layers
        if trace.h_n.shape != (L * D, B, H):
            raise ValueError(f"trace: expected a trace of this model (h_n of shape "
                             f"{(L * D, B, H)}), got h_n of shape {trace.h_n.shape}")
        d_y = check_grad_output(d_output, "d_output", (T, B, D * H), self.dtype, "(T, B, D*H)")
        state_shape = (L * D, B, H)
        dh = (np.zeros(state_shape, dtype=self.dtype) if dh_n is None else check_grad_output(
            dh_n, "dh_n", state_shape, self.dtype, "(L*D, B, H)").copy())
        dc = None
        if self.has_cell:
            dc = (np.zeros(state_shape, dtype=self.dtype) if dc_n is None else check_grad_output(
                dc_n, "dc_n", state_shape, self.dtype, "(L*D, B, H)").copy())

        grads, lengths = {}, trace.lengths
        for layer in range(L - 1, -1, -1):
            n_in = self.input_size if layer == 0 else D * H
            d_in = np.zeros((T, B, n_in), dtype=self.dtype)
            for d in range(D):
                k = layer * D + d
                cell, traces = trace.runs[k]
                d_out = d_y[:, :, d * H:(d + 1) * H]
                if d == 1:
                    d_out = packing.reverse_within_lengths(d_out, lengths)
                g, dx = self._backprop_direction(cell, traces, trace.spans, d_out, dh[k],
                                                 dc[k] if self.has_cell else None, n_in)
                if trace.input_masks[k] is not None:
                    dx = dx * trace.input_masks[k]                # through x_t * m_x
                d_in += dx if d == 0 else packing.reverse_within_lengths(dx, lengths)
                for name in PARAM_NAMES:
                    grads[state_dict.key(name, layer, d)] = g[name]
            if layer > 0:
                mask = trace.dropout_masks[layer - 1]
                d_y = d_in if mask is None else d_in * mask
        result = {key: grads[key] for key in self._param_shapes()}
        result["x"], result["h0"] = d_in, dh
        if self.has_cell:
            result["c0"] = dc
        return result


class StackedLSTM(_Stacked):
    """L-layer, optionally bidirectional LSTM, equal to ``torch.nn.LSTM(I, H, num_layers=L,
    bidirectional=..., dropout=p)`` over a packed batch. Each layer/direction is an ``LSTM``.

    ``StackedLSTM(input_size, hidden_size, num_layers=1, bidirectional=False, dropout=0.0,
    seed=None, dtype=np.float64, *, input_dropout=0.0, recurrent_dropout=0.0)``; params drawn
    like torch (uniform +-1/sqrt(H), state_dict order) from ``np.random.default_rng(seed)``,
    which then draws the dropout masks.
    """

    cell_class = LSTM
    has_cell = True

    def forward(self, x, h0=None, c0=None, lengths=None, train=False, seed=None):
        """x (T, B, I); h0, c0 (L*D, B, H) or None (zeros); lengths (B,) ints in [1, T] or None.

        train: apply the dropouts. seed: an int or ``np.random.Generator`` for the masks
        (default: the model's own generator). Returns a ``StackedLSTMTrace``: output
        (T, B, D*H), h_n and c_n (L*D, B, H).
        """
        return self._forward(x, h0, c0, lengths, train, seed)

    def backward(self, trace, d_output, dh_n=None, dc_n=None):
        """BPTT. d_output = dL/d(output) (T, B, D*H) (ignored past each length); dh_n, dc_n =
        dL/dh_n, dL/dc_n (L*D, B, H) or None. Returns every params key, x (T, B, I), h0 and
        c0 (L*D, B, H). Uses the weights and dropout masks of the forward pass."""
        return self._backward(trace, d_output, dh_n, dc_n)


class _StackedNoCell(_Stacked):
    """The shared public API of the models with only an h state."""

    has_cell = False

    def forward(self, x, h0=None, lengths=None, train=False, seed=None):
        """As ``StackedLSTM.forward`` without c0; returns a ``StackedTrace`` (no c_n)."""
        return self._forward(x, h0, None, lengths, train, seed)

    def backward(self, trace, d_output, dh_n=None):
        """As ``StackedLSTM.backward`` without dc_n; the result has no c0."""
        return self._backward(trace, d_output, dh_n, None)


class StackedGRU(_StackedNoCell):
    """L-layer, optionally bidirectional GRU, equal to ``torch.nn.GRU(I, H, num_layers=L,
    bidirectional=..., dropout=p)`` over a packed batch. Each layer/direction is a ``GRU``.
    Same constructor as ``StackedLSTM``; gate blocks r, z, n."""

    cell_class = GRU


class StackedRNN(_StackedNoCell):
    """L-layer, optionally bidirectional tanh RNN, equal to ``torch.nn.RNN(I, H,
    num_layers=L, bidirectional=..., dropout=p)`` over a packed batch. Each layer/direction is
    an ``RNN``. Same constructor as ``StackedLSTM``."""

    cell_class = RNN
