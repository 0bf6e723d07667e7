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

``set_gate_bias(model, gate, value)`` / ``set_forget_bias(model, value)`` set the bias a gate
sees (``bias_ih`` block = value, ``bias_hh`` block = 0) in place, for an ``LSTM`` or a variant.

What it does not cover: speed (vectorized over the batch, one Python loop over time;
``lstm_edu.LSTM`` is the fast path), multi-layer or bidirectional stacks.

Shapes: ``x (T, B, I)``, ``h, c (T, B, H)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from lstm_edu.activations import sigmoid

__all__ = ["LSTMVariant", "VariantTrace", "VARIANT_GATES", "VARIANTS", "set_forget_bias",
           "set_gate_bias"]

VARIANT_GATES = {
    "full": ("i", "f", "g", "o"),
    "nfg": ("i", "g", "o"),
    "nog": ("i", "f", "g"),
    "cifg": ("i", "g", "o"),
    "peephole": ("i", "f", "g", "o"),
}
VARIANTS = tuple(VARIANT_GATES)
_PEEPS = ("peephole_i", "peephole_f", "peephole_o")


@dataclass
class VariantTrace:
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


class LSTMVariant:
    """One-layer LSTM variant; see the module docstring for the variants and their equations."""

    def __init__(self, input_size: int, hidden_size: int, variant: str = "full", seed: int = 0,
                 dtype=np.float64):
        if variant not in VARIANT_GATES:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
        for name, v in (("input_size", input_size), ("hidden_size", hidden_size)):
            if not (isinstance(v, (int, np.integer)) and v > 0):
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        self.variant = variant
        G = len(VARIANT_GATES[variant])
        H, I = hidden_size, input_size  # noqa: E741 (the book's letters)
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(H)  # torch.nn.LSTM's init: U(-1/sqrt(H), 1/sqrt(H))
        shapes = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
                  "bias_ih": (G * H,), "bias_hh": (G * H,)}
        if variant == "peephole":
            shapes.update({p: (H,) for p in _PEEPS})
        self.params = {n: rng.uniform(-k, k, s).astype(dtype) for n, s in shapes.items()}

    @classmethod
    def from_params(cls, params: dict, variant: str = "full") -> "LSTMVariant":
        """Build from a params dict (arrays are used as given, not copied)."""
        if variant not in VARIANT_GATES:
            raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
        G = len(VARIANT_GATES[variant])
        GH, I = np.shape(params["weight_ih"])  # noqa: E741 (the book's letters)
        if GH % G:
            raise ValueError(f"weight_ih has {GH} rows, not a multiple of {G} gates")
        H = GH // G
        self = cls.__new__(cls)
        self.variant = variant
        expected = {"weight_ih": (G * H, I), "weight_hh": (G * H, H),
                    "bias_ih": (G * H,), "bias_hh": (G * H,)}
        if variant == "peephole":
            expected.update({p: (H,) for p in _PEEPS})
        for n, s in expected.items():
            if n not in params:
                raise ValueError(f"params is missing {n!r} (variant {variant!r})")
            if np.shape(params[n]) != s:
                raise ValueError(f"params[{n!r}] has shape {np.shape(params[n])}, expected {s}")
        self.params = {n: np.asarray(params[n]) for n in expected}
        return self

    @property
    def gate_names(self) -> tuple:
        return VARIANT_GATES[self.variant]

    @property
    def hidden_size(self) -> int:
        return self.params["weight_hh"].shape[1]

    @property
    def input_size(self) -> int:
        return self.params["weight_ih"].shape[1]

    def __repr__(self):
        n = sum(v.size for v in self.params.values())
        return (f"LSTMVariant({self.input_size}, {self.hidden_size}, variant={self.variant!r}, "
                f"params={n})")

    # ------------------------------------------------------------------ forward
    def forward(self, x, h0=None, c0=None) -> VariantTrace:
        """x ``(T, B, I)``; h0, c0 ``(B, H)`` or None (zeros) -> ``VariantTrace``."""
        p = self.params
        dtype = p["weight_hh"].dtype
        x = np.asarray(x, dtype=dtype)
        if x.ndim != 3 or x.shape[2] != self.input_size:
            raise ValueError(f"x must have shape (T, B, {self.input_size}), got {x.shape}")
        if not np.all(np.isfinite(x)):
            raise ValueError("x contains NaN or inf")
        T, B, _ = x.shape
        H = self.hidden_size
        h0 = np.zeros((B, H), dtype) if h0 is None else np.asarray(h0, dtype)
        c0 = np.zeros((B, H), dtype) if c0 is None else np.asarray(c0, dtype)
        for name, v in (("h0", h0), ("c0", c0)):
            if v.shape != (B, H):
                raise ValueError(f"{name} must have shape {(B, H)}, got {v.shape}")
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
        ``"x" (T, B, I)``, ``"h0"``, ``"c0" (B, H)``."""
        p = self.params
        x, hs, cs, G_ = trace.x, trace.h, trace.c, trace.gates
        T, B, H = hs.shape
        dh = np.asarray(dh, dtype=hs.dtype)
        if dh.shape != hs.shape:
            raise ValueError(f"dh must have shape {hs.shape}, got {dh.shape}")
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
    names = getattr(model, "gate_names", ("i", "f", "g", "o"))
    if gate not in names:
        raise ValueError(f"gate must be one of {names} for this model, got {gate!r}")
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
    names = getattr(model, "gate_names", ("i", "f", "g", "o"))
    if "f" not in names:
        raise ValueError(f"this model has no forget gate of its own (gates {names})")
    set_gate_bias(model, "f", value)
