"""LSTM variants for ablations and the "variants" chapter, forward and hand-written backward.

What it covers
--------------
``LSTMVariant(input_size, hidden_size, variant=...)`` with the same API as ``lstm_edu.LSTM``
(``params``, ``from_params``, ``forward(x, h0, c0) -> trace``, ``backward(trace, dh)``):

============  =====  ==========================================================  ==========
variant       gates  cell and output                                             source
============  =====  ==========================================================  ==========
``full``      ifgo   c = f*c_prev + i*g,  h = o*tanh(c)  (= ``lstm_edu.LSTM``)    Gers 2000
``nfg``       igo    no forget gate, f = 1:  c = c_prev + i*g  (the 1997 LSTM)   H&S 1997
``nog``       ifg    no output gate, o = 1:  h = tanh(c)                         Greff 2017
``cifg``      igo    coupled input-forget gate, f = 1 - i                        Greff 2017
``peephole``  ifgo   i, f see c_prev and o sees c through diagonal weights p     Gers 2000
============  =====  ==========================================================  ==========

Gate blocks are stacked in rows of ``weight_ih (G*H, I)``, ``weight_hh (G*H, H)``,
``bias_ih``, ``bias_hh (G*H,)`` in the order of ``VARIANT_GATES[variant]`` (a subsequence of
torch's i, f, g, o), so ``full`` has exactly ``torch.nn.LSTM``'s layout. ``peephole`` adds
``peephole_i``, ``peephole_f``, ``peephole_o`` of shape ``(H,)`` (Gers & Schmidhuber 2000;
the "diagonal" peepholes of Greff et al. 2017, eqs. for i, f and o):

    i = sigma(a_i + p_i * c_prev)    f = sigma(a_f + p_f * c_prev)    o = sigma(a_o + p_o * c)

``truncated=True`` gives the 1997 paper's truncated gradient (Hochreiter & Schmidhuber 1997,
section 4 and appendix A.1): the derivatives of the gates' and the cell input's pre-activations
with respect to ``h_{t-1}`` are replaced by zero, so error flows back in time only through the
cell state ``c`` (the constant error carousel); the weights ``weight_hh`` still get their local
gradient. The forward pass is unchanged; ``backward`` then returns the truncated gradient, which
is not the gradient of the loss (finite differences do not check it; the tests check it against
PyTorch with ``h_{t-1}.detach()`` in every pre-activation).

``set_gate_bias(model, gate, value)`` / ``set_forget_bias(model, value)`` set the bias a gate
sees (``bias_ih`` block = value, ``bias_hh`` block = 0) in place, for an ``LSTM`` or a variant.

What it does not cover: speed (vectorized over the batch, one Python loop over time;
``lstm_edu.LSTM`` is the fast path), multi-layer or bidirectional stacks.

Shapes: ``x (T, B, I)``, ``h, c (T, B, H)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstm_edu._validation import check_grad_output
from lstm_edu.activations import sigmoid
from lstm_edu.base import RecurrentParams, TraceRepr
from lstm_edu.lstm import LSTM

__all__ = ["LSTMVariant", "VariantTrace", "VARIANT_GATES", "VARIANTS", "set_forget_bias",
           "set_gate_bias"]

VARIANT_GATES = {
    "full": LSTM.gate_names,
    "nfg": ("i", "g", "o"),
    "nog": ("i", "f", "g"),
    "cifg": ("i", "g", "o"),
    "peephole": LSTM.gate_names,
}
VARIANTS = tuple(VARIANT_GATES)
_PEEPS = ("peephole_i", "peephole_f", "peephole_o")


@dataclass(repr=False)
class VariantTrace(TraceRepr):
    """Everything the forward pass computed, kept for backward and for plots.

    h, c: ``(T, B, H)``.  gates: dict of post-activation gate values ``(T, B, H)``; for
    ``cifg`` it also holds the derived ``f = 1 - i``; ``nfg`` has no ``"f"``, ``nog`` no ``"o"``.
    """

    x: np.ndarray
    h0: np.ndarray
    c0: np.ndarray
    h: np.ndarray
    c: np.ndarray
    gates: dict = field(default_factory=dict)


class LSTMVariant(RecurrentParams):
    """One-layer LSTM variant; see the module docstring for the variants and their equations.

    ``LSTMVariant(input_size, hidden_size, variant="full", seed=None, dtype=np.float64)``, on the
    same base as ``lstm_edu.LSTM`` (``lstm_edu.base.RecurrentParams``): the same checks and
    errors, the same initialization, ``from_params(params, variant=...)`` copies the arrays.
    """

    def __init__(self, input_size, hidden_size, variant="full", seed=None, dtype=np.float64,
                 truncated=False):
        self._configure(variant, truncated)
        super().__init__(input_size, hidden_size, seed=seed, dtype=dtype)

    @classmethod
    def from_params(cls, params, variant="full", truncated=False):
        """A variant holding copies of ``params`` (its layout); sizes inferred, dtype kept."""
        return super().from_params(params, variant=variant, truncated=truncated)

    def _configure(self, variant="full", truncated=False):
        if variant not in VARIANT_GATES:
            raise ValueError(f"variant: expected one of {VARIANTS}, got {variant!r}")
        if not isinstance(truncated, (bool, np.bool_)):
            raise TypeError(f"truncated: expected True or False, got {truncated!r}")
        self.variant = variant
        self.truncated = bool(truncated)
        self.gate_names = VARIANT_GATES[variant]
        self.n_gates = len(self.gate_names)
        self.extra_params = _PEEPS if variant == "peephole" else ()

    def __repr__(self):
        cut = ", truncated=True" if self.truncated else ""
        return (f"LSTMVariant({self.input_size}, {self.hidden_size}, variant={self.variant!r}"
                f"{cut}, params={self.num_params})")

    # ------------------------------------------------------------------ forward
    def forward(self, x, h0=None, c0=None) -> VariantTrace:
        """x ``(T, B, I)``; h0, c0 ``(B, H)`` or None (zeros) -> ``VariantTrace``."""
        x, h0, c0 = self._forward_inputs(x, h0=h0, c0=c0)
        p, dtype = self.params, self.dtype
        T, B, _ = x.shape
        H = self.hidden_size
        names = self.gate_names
        k = {g: j for j, g in enumerate(names)}  # block index of each gate
        peep = self.variant == "peephole"
        # input projection for all steps at once: (T, B, G*H)
        ax = (x.reshape(T * B, -1) @ p["weight_ih"].T).reshape(T, B, -1)
        ax += p["bias_ih"] + p["bias_hh"]
        Whh_T = p["weight_hh"].T
        hs = np.empty((T, B, H), dtype)
        cs = np.empty((T, B, H), dtype)
        gates = {g: np.empty((T, B, H), dtype) for g in names}
        h_prev, c_prev = h0, c0
        for t in range(T):
            a = ax[t] + h_prev @ Whh_T
            blk = {g: a[:, k[g] * H:(k[g] + 1) * H] for g in names}
            if peep:
                blk["i"] = blk["i"] + p["peephole_i"] * c_prev
                blk["f"] = blk["f"] + p["peephole_f"] * c_prev
            i = sigmoid(blk["i"])
            g = np.tanh(blk["g"])
            if "f" in k:
                f = sigmoid(blk["f"])
                c = f * c_prev + i * g
            elif self.variant == "cifg":
                c = (1.0 - i) * c_prev + i * g
            else:  # nfg: f = 1
                c = c_prev + i * g
            tc = np.tanh(c)
            if "o" in k:
                ao = blk["o"] + p["peephole_o"] * c if peep else blk["o"]
                o = sigmoid(ao)
                h = o * tc
                gates["o"][t] = o
            else:  # nog: o = 1
                h = tc
            gates["i"][t] = i
            gates["g"][t] = g
            if "f" in k:
                gates["f"][t] = f
            hs[t], cs[t] = h, c
            h_prev, c_prev = h, c
        if self.variant == "cifg":
            gates["f"] = 1.0 - gates["i"]
        return VariantTrace(x, h0, c0, hs, cs, gates)

    # ------------------------------------------------------------------ backward
    def backward(self, trace: VariantTrace, dh) -> dict:
        """BPTT. dh = dL/dh_t for every t ``(T, B, H)`` -> grads like ``params`` plus
        ``"x" (T, B, I)``, ``"h0"``, ``"c0" (B, H)``. With ``truncated=True``, the 1997
        truncated gradient (no error from a step's pre-activations into ``h_{t-1}``)."""
        p = self.params
        x, hs, cs, G_ = trace.x, trace.h, trace.c, trace.gates
        T, B, H = hs.shape
        dh = check_grad_output(dh, "dh", hs.shape, hs.dtype, "(T, B, H)")
        names = self.gate_names
        k = {g: j for j, g in enumerate(names)}
        peep = self.variant == "peephole"
        W_hh = p["weight_hh"]
        da_all = np.empty((T, B, len(names) * H), hs.dtype)
        dWhh = np.zeros_like(W_hh)
        dpeep = {n: np.zeros(H, hs.dtype) for n in _PEEPS} if peep else {}
        dh_next = np.zeros((B, H), hs.dtype)
        dc_next = np.zeros((B, H), hs.dtype)
        for t in range(T - 1, -1, -1):
            c = cs[t]
            c_prev = cs[t - 1] if t > 0 else trace.c0
            h_prev = hs[t - 1] if t > 0 else trace.h0
            i, g = G_["i"][t], G_["g"][t]
            tc = np.tanh(c)
            dht = dh[t] + dh_next
            da = da_all[t]
            if "o" in k:
                o = G_["o"][t]
                da_o = dht * tc * o * (1.0 - o)
                da[:, k["o"] * H:(k["o"] + 1) * H] = da_o
                dc = dc_next + dht * o * (1.0 - tc * tc)
                if peep:
                    dc += da_o * p["peephole_o"]
                    dpeep["peephole_o"] += np.sum(da_o * c, axis=0)
            else:
                dc = dc_next + dht * (1.0 - tc * tc)
            di = dc * g
            dg = dc * i
            if "f" in k:
                f = G_["f"][t]
                da_f = dc * c_prev * f * (1.0 - f)
                da[:, k["f"] * H:(k["f"] + 1) * H] = da_f
                dc_prev = dc * f
            elif self.variant == "cifg":  # f = 1 - i  =>  dL/di gets -dL/df
                di = di - dc * c_prev
                dc_prev = dc * (1.0 - i)
            else:  # nfg
                dc_prev = dc.copy()
            da_i = di * i * (1.0 - i)
            da[:, k["i"] * H:(k["i"] + 1) * H] = da_i
            da[:, k["g"] * H:(k["g"] + 1) * H] = dg * (1.0 - g * g)
            if peep:
                dc_prev += da_i * p["peephole_i"] + da_f * p["peephole_f"]
                dpeep["peephole_i"] += np.sum(da_i * c_prev, axis=0)
                dpeep["peephole_f"] += np.sum(da_f * c_prev, axis=0)
            dWhh += da.T @ h_prev
            if self.truncated:                     # 1997: error leaves a step only through c
                dh_next = np.zeros_like(dh_next)
            else:
                dh_next = da @ W_hh
            dc_next = dc_prev
        flat = da_all.reshape(T * B, -1)
        dWih = flat.T @ x.reshape(T * B, -1)
        db = flat.sum(axis=0)
        grads = {
            "weight_ih": dWih,
            "weight_hh": dWhh,
            "bias_ih": db,
            "bias_hh": db.copy(),
            "x": (flat @ p["weight_ih"]).reshape(T, B, -1),
            "h0": dh_next,
            "c0": dc_next,
        }
        grads.update(dpeep)
        return grads


def set_gate_bias(model, gate: str, value: float) -> None:
    """Set the bias gate ``gate`` sees to ``value``, in place: its block of ``bias_ih`` becomes
    ``value``, of ``bias_hh`` 0. Works for ``lstm_edu.LSTM`` (torch layout i, f, g, o) and any
    ``LSTMVariant`` (blocks in the order of its ``gate_names``)."""
    names = model.gate_names
    if gate not in names:
        raise ValueError(f"gate: expected one of {names} for this model, got {gate!r}")
    H = model.params["weight_hh"].shape[1]
    j = names.index(gate)
    model.params["bias_ih"][j * H:(j + 1) * H] = value
    model.params["bias_hh"][j * H:(j + 1) * H] = 0.0


def set_forget_bias(model, value: float) -> None:
    """Set an LSTM's forget-gate bias to ``value`` in place (Gers et al. 2000; Jozefowicz et
    al. 2015 recommend 1): the f-block of ``bias_ih`` becomes ``value``, of ``bias_hh`` 0,
    so their sum, the bias the gate sees, is ``value`` (``set_gate_bias(model, "f", value)``).

    Works for ``lstm_edu.LSTM`` (torch layout i, f, g, o) and any ``LSTMVariant`` with a
    forget gate; raises ``ValueError`` for ``nfg`` and ``cifg``, which have none of their own.
    """
    names = model.gate_names
    if "f" not in names:
        raise ValueError(f"this model has no forget gate of its own (gates {names})")
    set_gate_bias(model, "f", value)
