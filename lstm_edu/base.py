"""The base every one-layer recurrent model shares: sizes, dtype, parameters, input checks.

What it covers
--------------
- ``RecurrentParams``: sizes, dtype and ``torch.nn``-layout parameters (``weight_ih (G*H, I)``,
  ``weight_hh (G*H, H)``, ``bias_ih (G*H,)``, ``bias_hh (G*H,)`` for ``G = n_gates`` blocks),
  PyTorch's default initialization, ``from_params`` (copies, shapes checked, sizes inferred,
  dtype kept), ``num_params``, and the checks of a forward call's inputs. ``LSTM``, ``RNN``,
  ``GRU`` and ``LSTMVariant`` are built on it.
- ``TraceRepr``: the short repr of a forward trace (its sizes and dtype, not its arrays).

What it does not cover: the checks themselves (``lstm_edu._validation``) and any forward or
backward computation (``lstm_edu.cells``, ``lstm_edu.lstm`` and the other model modules).
"""

import numpy as np

from lstm_edu._validation import (
    check_grad_output,
    check_model_dtype,
    check_params,
    check_sequence,
    check_size,
    check_state,
    infer_sizes,
    param_shapes,
)

__all__ = ["RecurrentParams", "TraceRepr"]


class TraceRepr:
    """A trace's short repr: its sizes and dtype, not its arrays (shared by the three traces)."""

    def __repr__(self):
        T, B, I = self.x.shape
        return (f"{type(self).__name__}(T={T}, B={B}, I={I}, H={self.h.shape[2]}, "
                f"dtype={self.h.dtype})")


class RecurrentParams:
    """Sizes, dtype and torch-layout parameters of a one-layer recurrent model.

    Subclasses set ``n_gates`` (LSTM 4, GRU 3, RNN 1), ``gate_names`` (the gate blocks of the
    weight rows, in order: the one place a model's gate order is declared) and, if the model
    has per-unit vectors besides the four torch tensors, ``extra_params`` (names of ``(H,)``
    arrays, e.g. an LSTM variant's peepholes). Parameters are drawn like PyTorch's default:
    every entry uniform in (-1/sqrt(H), 1/sqrt(H)), from ``np.random.default_rng(seed)`` in the
    order weight_ih, weight_hh, bias_ih, bias_hh, then the extras (float64 draws, then cast to
    ``dtype``). ``seed=None`` draws fresh numbers.
    """

    n_gates = 1
    gate_names: tuple = ()
    extra_params: tuple = ()

    def __init__(self, input_size, hidden_size, seed=None, dtype=np.float64):
        self.input_size = check_size(input_size, "input_size")
        self.hidden_size = check_size(hidden_size, "hidden_size")
        self.dtype = check_model_dtype(dtype)
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(self.hidden_size)
        self.params = {key: rng.uniform(-bound, bound, size=shape).astype(self.dtype)
                       for key, (shape, _) in self._param_shapes().items()}

    @classmethod
    def from_params(cls, params, **config):
        """A model holding copies of ``params`` (torch layout); sizes inferred, dtype kept.

        ``config``: what a subclass needs besides the arrays (``LSTMVariant``: ``variant``).
        """
        model = cls.__new__(cls)
        model._configure(**config)
        model.input_size, model.hidden_size, model.dtype = infer_sizes(
            params, model.n_gates, extra=model.extra_params)
        model.params = {key: np.array(params[key], dtype=model.dtype, copy=True)
                        for key in model._param_shapes()}
        return model

    def _configure(self):
        """Set what ``from_params`` needs before the arrays are read (nothing, here)."""

    def _param_shapes(self):
        return param_shapes(self.n_gates, self.input_size, self.hidden_size, self.extra_params)

    @property
    def num_params(self):
        """Number of scalar parameters: G(IH + H^2) + 2GH for G gate blocks (+ extras)."""
        return sum(int(np.prod(shape)) for shape, _ in self._param_shapes().values())

    def __repr__(self):
        return (f"{type(self).__name__}(input_size={self.input_size}, "
                f"hidden_size={self.hidden_size}, dtype={self.dtype})")

    def _check_params(self):
        check_params(self.params, self.n_gates, self.input_size, self.hidden_size, self.dtype,
                     extra=self.extra_params)

    def _forward_inputs(self, x, **states):
        """Check one forward call: x (T, B, I), then each initial state (B, H) or None (zeros),
        in the order given (h0, then c0), then the current params. Returns ``(x, *states)``
        as arrays of the model's dtype."""
        x = check_sequence(x, self.input_size, self.dtype)
        B = x.shape[1]
        checked = [check_state(value, name, B, self.hidden_size, self.dtype)
                   for name, value in states.items()]
        self._check_params()
        return (x, *checked)

    def _backward_inputs(self, trace, dh, trace_type):
        """Check one backward call: ``trace`` from this model's forward (an instance of
        ``trace_type``) and dh = dL/dh_t (T, B, H) of the trace's dtype. Returns
        ``(dh, T, B, I, H)``."""
        if not isinstance(trace, trace_type):
            article = "an" if trace_type.__name__[0] in "AEIOU" else "a"
            raise TypeError(f"trace: expected {article} {trace_type.__name__} from "
                            f"{type(self).__name__}.forward, got {type(trace).__name__}")
        T, B, I = trace.x.shape
        H = trace.h.shape[2]
        dh = check_grad_output(dh, "dh", (T, B, H), trace.h.dtype, "(T, B, H)")
        return dh, T, B, I, H
