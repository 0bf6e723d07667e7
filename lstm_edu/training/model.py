"""A recurrent core, a head and a loss trained as one model; building one from names; sampling.

What it covers
--------------
- ``SequenceModel``: core (``LSTM``/``RNN``/``GRU``/``LSTMVariant``) + head + loss, with one
  flat ``params`` dict (``"core.weight_ih"``, ..., ``"head.weight"``) an optimizer can update,
  ``loss_and_grads(x, y)`` for training and ``evaluate``/``predict`` for results.
  Every one of them takes ``lengths=`` for a right-padded variable-length batch (``x (T, B, I)``
  with sequence ``b`` in ``x[:lengths[b], b]``): one label per sequence is read at each
  sequence's last valid step, per-step losses and accuracies count the valid steps only, and
  no gradient comes from the padding. The core may also be a ``StackedLSTM``/``StackedGRU``/
  ``StackedRNN`` (packed semantics, ``lstm_edu.stacked``); a bidirectional one's last-step
  read-out is torch's ``[h_n[-2], h_n[-1]]``: forward half at the last valid step, reverse
  half at step 0.
- ``build_model``: one call from a cell name to a ready ``SequenceModel``.
- ``sample``: character-by-character generation from a trained classifier-over-every-step.

What it does not cover: the heads (``lstm_edu.training.heads``), the losses
(``lstm_edu.training.losses``) and the training loop (``lstm_edu.training.trainer``).

Shapes: ``T`` steps, ``B`` batch, ``I`` inputs, ``H`` hidden size, ``O`` outputs, ``C`` classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu.activations import softmax
from lstm_edu.packing import check_lengths
from lstm_edu.training.heads import HeadTrace, LinearHead, SoftmaxHead
from lstm_edu.training.losses import cross_entropy, mse, valid_mask

__all__ = ["SequenceModel", "ModelTrace", "build_model", "sample"]


@dataclass
class ModelTrace:
    """A ``SequenceModel`` forward pass: the core's trace (gates, cell states, ...),
    the head's trace, and the model output (regression values or class logits)."""

    core: object
    head: HeadTrace
    lengths: np.ndarray | None = None

    @property
    def output(self) -> np.ndarray:
        return self.head.y


def _is_stacked(core) -> bool:
    return hasattr(core, "num_layers")


def _core_forward(core, x, h0=None, c0=None, lengths=None):
    """The core's trace. A one-layer core runs over the padding too: it is causal, so its
    states at the valid steps do not depend on what follows them; a stacked core packs."""
    kw = {} if lengths is None or not _is_stacked(core) else {"lengths": lengths}
    if h0 is not None:
        kw["h0"] = h0
    if c0 is not None:
        kw["c0"] = c0
    return core.forward(x, **kw)


def _reverse_half_at_zero(core, over, out, lengths, grad=False):
    """Bidirectional stacked core, ``over="last"``: put each sequence's reverse-direction final
    state (``output[0, b, H:]``) where the head reads (step ``lengths[b] - 1``). With
    ``grad=True``, the inverse move for the gradient (the head's is zero elsewhere)."""
    if not (_is_stacked(core) and core.bidirectional and over == "last"):
        return out
    H, b = core.hidden_size, np.arange(out.shape[1])
    moved = out.copy()
    if grad:
        moved[:, :, H:] = 0.0
        moved[0, b, H:] = out[lengths - 1, b, H:]
    else:
        moved[lengths - 1, b, H:] = out[0, b, H:]
    return moved


class SequenceModel:
    """A recurrent core, a head and a loss, trained as one model.

    ``core`` is anything with ``params`` / ``forward(x)`` / ``backward(trace, dh)`` in the
    ``lstm_edu`` contract (``LSTM``, ``RNN``, ``GRU``, ``LSTMVariant``). The loss is ``mse``
    for a ``LinearHead`` and ``cross_entropy`` for a ``SoftmaxHead``.

    Targets ``y``: ``(B,)``/``(B, O)`` for ``over="last"`` regression, ``(T, B)``/``(T, B, O)``
    for ``over="all"``; integer labels ``(B,)`` or ``(T, B)`` for a classifier.
    ``lengths``: ``(B,)`` ints in ``[1, T]`` or None (all ``T``); ``y`` past a sequence's
    length is never read. ``over="all"`` outputs past a length are not meaningful.

    ``params`` is a fresh flat dict on every access whose values ARE the core's and head's
    arrays (``"core.weight_hh"``, ``"head.weight"``, ...): updating them in place trains the
    model.
    """

    def __init__(self, core, head: LinearHead):
        self.core = core
        self.head = head
        self.task = "classification" if isinstance(head, SoftmaxHead) else "regression"

    # ---- parameters
    @property
    def params(self) -> dict:
        p = {f"core.{k}": v for k, v in self.core.params.items()}
        p.update({f"head.{k}": v for k, v in self.head.params.items()})
        return p

    @property
    def num_params(self) -> int:
        return int(sum(v.size for v in self.params.values()))

    @property
    def over(self) -> str:
        return self.head.over

    def __repr__(self):
        return (f"SequenceModel(core={type(self.core).__name__}, head={type(self.head).__name__}"
                f"(over={self.over!r}), params={self.num_params})")

    # ---- forward / loss
    def forward(self, x, h0=None, c0=None, lengths=None) -> ModelTrace:
        """x ``(T, B, I)``, lengths ``(B,)`` or None -> ``ModelTrace`` (``.output``: values or
        logits; ``(B, O)`` read at each sequence's last valid step for ``over="last"``)."""
        x = np.asarray(x)
        if lengths is not None:
            if x.ndim != 3:
                raise ValueError(f"x must have shape (T, B, I), got {x.shape}")
            lengths = check_lengths(lengths, x.shape[0], x.shape[1])
        ct = _core_forward(self.core, x, h0, c0, lengths)
        out = ct.output if _is_stacked(self.core) else ct.h
        L = lengths if lengths is not None else np.full(out.shape[1], out.shape[0])
        out = _reverse_half_at_zero(self.core, self.over, out, L)
        return ModelTrace(ct, self.head.forward(out, lengths), lengths)

    def _loss(self, out, y, lengths=None):
        step_lengths = lengths if self.over == "all" else None   # "last": already read out
        if self.task == "classification":
            return cross_entropy(out, np.asarray(y), lengths=step_lengths)
        return mse(out, y, lengths=step_lengths)

    def loss_and_grads(self, x, y, lengths=None) -> tuple[float, dict]:
        """One forward + backward pass: ``(loss, grads)`` with ``grads`` keyed like ``params``.

        lengths: ``(B,)`` for a right-padded batch (see the class docstring), or None."""
        tr = self.forward(x, lengths=lengths)
        loss, dout = self._loss(tr.output, y, tr.lengths)
        hg = self.head.backward(tr.head, dout)
        dh = _reverse_half_at_zero(self.core, self.over, hg["h"], tr.head.lengths, grad=True)
        cg = self.core.backward(tr.core, dh)
        grads = {f"core.{k}": cg[k] for k in self.core.params}
        grads.update({f"head.{k}": hg[k] for k in self.head.params})
        return loss, grads

    def predict(self, x, lengths=None) -> np.ndarray:
        """Regression: the predicted values. Classification: class probabilities."""
        out = self.forward(x, lengths=lengths).output
        return softmax(out) if self.task == "classification" else out

    def evaluate(self, x, y, lengths=None) -> dict:
        """Metrics on ``(x, y)``: ``{"loss", "mse"}`` or ``{"loss", "accuracy"}``; with
        ``lengths`` and ``over="all"``, over the valid steps only."""
        tr = self.forward(x, lengths=lengths)
        out = tr.output
        loss, _ = self._loss(out, y, tr.lengths)
        if self.task != "classification":
            return {"loss": loss, "mse": loss}
        hit = out.argmax(-1) == np.asarray(y)
        if tr.lengths is not None and self.over == "all":
            hit = hit[valid_mask(tr.lengths, out.shape[0])]
        return {"loss": loss, "accuracy": float(np.mean(hit))}


def build_model(cell: str, input_size: int, hidden_size: int, output_size: int = 1, *,
                task: str = "regression", over: str = "last", seed: int = 0,
                dtype=np.float64, forget_bias: float | None = None) -> SequenceModel:
    """A ``SequenceModel`` from names, for one-line notebook cells.

    cell: ``"lstm"``, ``"rnn"``, ``"gru"``, or an ``LSTMVariant`` name (``"nfg"``,
    ``"nog"``, ``"cifg"``, ``"peephole"``, ``"full"``).
    task: ``"regression"`` (``LinearHead``, MSE) or ``"classification"`` (``SoftmaxHead``
    with ``output_size`` classes, cross-entropy).
    forget_bias: if given (LSTM-family cells with a forget gate only), the forget-gate bias
    is set to this value (``bias_ih`` f-block = value, ``bias_hh`` f-block = 0).

    Example::

        model = build_model("lstm", input_size=2, hidden_size=32, seed=0)
    """
    cell = cell.lower()
    if cell in ("lstm", "rnn", "gru"):
        import lstm_edu

        cls = {"lstm": "LSTM", "rnn": "RNN", "gru": "GRU"}[cell]
        core = getattr(lstm_edu, cls)(input_size, hidden_size, seed=seed, dtype=dtype)
    else:
        from lstm_edu.variants import LSTMVariant

        core = LSTMVariant(input_size, hidden_size, variant=cell, seed=seed, dtype=dtype)
    if forget_bias is not None:
        from lstm_edu.variants import set_forget_bias

        set_forget_bias(core, forget_bias)
    if task == "regression":
        head = LinearHead(hidden_size, output_size, over=over, seed=seed + 1, dtype=dtype)
    elif task == "classification":
        head = SoftmaxHead(hidden_size, output_size, over=over, seed=seed + 1, dtype=dtype)
    else:
        raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
    return SequenceModel(core, head)


def sample(model: SequenceModel, prime: list[int], length: int, *,
           temperature: float = 1.0, seed: int = 0) -> list[int]:
    """Generate ``length`` symbol ids from a next-symbol classifier (``over="all"``).

    The model's input is one-hot over its ``C`` classes (``I == C``). ``prime`` (a non-empty
    list of ids) is fed first; each new id is drawn from ``softmax(logits / temperature)``
    and fed back. ``temperature -> 0`` approaches greedy decoding. Returns the new ids only.
    """
    if model.task != "classification":
        raise ValueError("sample needs a classification model (SoftmaxHead)")
    if not prime:
        raise ValueError("prime must hold at least one symbol id")
    if temperature <= 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    C = model.head.num_classes
    dtype = model.head.params["weight"].dtype
    rng = np.random.default_rng(seed)

    def onehot(ids):
        x = np.zeros((len(ids), 1, C), dtype=dtype)
        x[np.arange(len(ids)), 0, ids] = 1
        return x

    h = c = None
    out = []
    x = onehot(list(prime))
    for _ in range(length):
        ct = _core_forward(model.core, x, h, c)
        h = ct.h[-1]
        c = ct.c[-1] if getattr(ct, "c", None) is not None else None
        z = model.head.forward(ct.h[-1:]).y.reshape(-1)   # the last step, either ``over``
        p = softmax(z / temperature)
        nxt = int(rng.choice(C, p=p / p.sum()))
        out.append(nxt)
        x = onehot([nxt])
    return out
