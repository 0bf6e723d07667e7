"""Output heads and losses on top of a recurrent core, and the model that glues them.

What it covers
--------------
- ``LinearHead``: a linear readout ``y = h W^T + b`` (regression), over the last step or
  every step.  ``SoftmaxHead``: the same affine map read as class logits.
- Losses returning ``(loss, dloss/dprediction)``: ``mse``, ``cross_entropy`` (computed through
  a numerically stable ``log_softmax``); ``softmax`` for probabilities.
- ``SequenceModel``: core (``LSTM``/``RNN``/``GRU``/``LSTMVariant``) + head + loss, with one
  flat ``params`` dict (``"core.weight_ih"``, ..., ``"head.weight"``) an optimizer can update,
  ``loss_and_grads(x, y)`` for training and ``evaluate``/``predict`` for results.
- ``build_model``: one call from a cell name to a ready ``SequenceModel``.
- ``sample``: character-by-character generation from a trained classifier-over-every-step.

Each head keeps forward and backward together (CS231n style): ``forward`` returns a small
trace, ``backward(trace, dy)`` returns gradients for the head's params and for ``h``.

What it does not cover: the recurrent cores themselves (``lstm_edu.lstm`` etc.) and the
training loop (``lstm_edu.train``).

Shapes: ``T`` steps, ``B`` batch, ``H`` hidden size, ``O`` outputs, ``C`` classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "LinearHead",
    "SoftmaxHead",
    "HeadTrace",
    "SequenceModel",
    "build_model",
    "mse",
    "cross_entropy",
    "log_softmax",
    "softmax",
    "sample",
]


# --------------------------------------------------------------------------- losses


def log_softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """``log softmax(z)`` without overflow: subtract the max before exponentiating."""
    z = np.asarray(z)
    shifted = z - np.max(z, axis=axis, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


def softmax(z: np.ndarray, axis: int = -1) -> np.ndarray:
    """Probabilities ``exp(z) / sum(exp(z))``, computed stably (rows sum to 1)."""
    return np.exp(log_softmax(z, axis=axis))


def mse(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared error over all elements, and its gradient with respect to ``pred``.

    ``L = mean((pred - target)**2)``,  ``dL/dpred = 2 (pred - target) / pred.size``.
    ``target`` may omit a trailing output axis of size 1 (``(B,)`` for ``pred (B, 1)``).
    """
    pred = np.asarray(pred)
    target = np.asarray(target, dtype=pred.dtype)
    if target.shape != pred.shape:
        if target.shape + (1,) == pred.shape:
            target = target[..., None]
        else:
            raise ValueError(f"target has shape {target.shape}, expected {pred.shape}")
    diff = pred - target
    return float(np.mean(diff * diff)), (2.0 / diff.size) * diff


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer ``labels`` under ``softmax(logits)``, and dL/dlogits.

    logits: ``(..., C)``; labels: integers in ``[0, C)`` of shape ``logits.shape[:-1]``.
    ``L = -mean(log_softmax(logits)[label])``;  ``dL/dlogits = (softmax - onehot) / N``.
    """
    logits = np.asarray(logits)
    labels = np.asarray(labels)
    if labels.shape != logits.shape[:-1]:
        raise ValueError(f"labels has shape {labels.shape}, expected {logits.shape[:-1]}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"labels must be integers, got dtype {labels.dtype}")
    C = logits.shape[-1]
    if labels.size and (labels.min() < 0 or labels.max() >= C):
        raise ValueError(f"labels must lie in [0, {C}), got [{labels.min()}, {labels.max()}]")
    logp = log_softmax(logits)
    n = labels.size
    picked = np.take_along_axis(logp, labels[..., None], axis=-1)
    loss = -float(np.sum(picked)) / n
    dlogits = np.exp(logp)
    np.put_along_axis(
        dlogits, labels[..., None], np.take_along_axis(dlogits, labels[..., None], -1) - 1, -1
    )
    return loss, dlogits / n


# --------------------------------------------------------------------------- heads


@dataclass
class HeadTrace:
    """What a head's forward keeps for backward (and for plots).

    h_shape: shape ``(T, B, H)`` of the core output the head read.
    h_used: ``(B, H)`` for ``over="last"``, ``(T, B, H)`` for ``over="all"``.
    y: the head's output, ``(B, O)`` or ``(T, B, O)``.
    """

    h_shape: tuple
    h_used: np.ndarray
    y: np.ndarray


class LinearHead:
    """Linear readout ``y = h W^T + b`` (regression).

    Parameters
    ----------
    hidden_size : H, the size of the core's ``h``.
    output_size : O (default 1).
    over : ``"last"`` reads ``h[-1]`` only, giving ``y (B, O)``; ``"all"`` reads every step,
        giving ``y (T, B, O)``.
    seed, dtype : init as ``torch.nn.Linear``: ``U(-1/sqrt(H), 1/sqrt(H))`` for W and b.

    ``params``: ``weight (O, H)``, ``bias (O,)``.
    """

    def __init__(self, hidden_size: int, output_size: int = 1, over: str = "last",
                 seed: int = 0, dtype=np.float64):
        if over not in ("last", "all"):
            raise ValueError(f"over must be 'last' or 'all', got {over!r}")
        for name, v in (("hidden_size", hidden_size), ("output_size", output_size)):
            if not (isinstance(v, (int, np.integer)) and v > 0):
                raise ValueError(f"{name} must be a positive int, got {v!r}")
        rng = np.random.default_rng(seed)
        k = 1.0 / np.sqrt(hidden_size)
        self.over = over
        self.params = {
            "weight": rng.uniform(-k, k, (output_size, hidden_size)).astype(dtype),
            "bias": rng.uniform(-k, k, (output_size,)).astype(dtype),
        }

    @property
    def hidden_size(self) -> int:
        return self.params["weight"].shape[1]

    @property
    def output_size(self) -> int:
        return self.params["weight"].shape[0]

    def forward(self, h: np.ndarray) -> HeadTrace:
        """h: ``(T, B, H)`` -> trace with ``y``: ``(B, O)`` (last) or ``(T, B, O)`` (all)."""
        h = np.asarray(h)
        if h.ndim != 3 or h.shape[2] != self.hidden_size:
            raise ValueError(f"h must have shape (T, B, {self.hidden_size}), got {h.shape}")
        h_used = h[-1] if self.over == "last" else h
        y = h_used @ self.params["weight"].T + self.params["bias"]
        return HeadTrace(h.shape, h_used, y)

    def backward(self, trace: HeadTrace, dy: np.ndarray) -> dict:
        """dy = dL/dy (shape of ``trace.y``) -> grads ``weight``, ``bias`` and ``h (T, B, H)``.

        ``grads["h"]`` is zero at every step but the last when ``over="last"``.
        """
        dy = np.asarray(dy)
        if dy.shape != trace.y.shape:
            raise ValueError(f"dy has shape {dy.shape}, expected {trace.y.shape}")
        W = self.params["weight"]
        O = W.shape[0]  # noqa: E741 (the book's letters)
        dW = dy.reshape(-1, O).T @ trace.h_used.reshape(-1, W.shape[1])
        db = dy.reshape(-1, O).sum(axis=0)
        dh_used = dy @ W
        if self.over == "last":
            dh = np.zeros(trace.h_shape, dtype=dh_used.dtype)
            dh[-1] = dh_used
        else:
            dh = dh_used
        return {"weight": dW, "bias": db, "h": dh}


class SoftmaxHead(LinearHead):
    """Softmax classifier: logits ``z = h W^T + b`` over ``num_classes`` classes.

    Same parameters and shapes as ``LinearHead`` with ``O = C = num_classes``; ``forward``
    returns logits (``trace.y``), ``probs(trace)`` the class probabilities. Pair it with
    ``cross_entropy``, whose gradient ``(softmax - onehot)/N`` goes into ``backward``.
    """

    def __init__(self, hidden_size: int, num_classes: int, over: str = "last",
                 seed: int = 0, dtype=np.float64):
        if not (isinstance(num_classes, (int, np.integer)) and num_classes >= 2):
            raise ValueError(f"num_classes must be an int >= 2, got {num_classes!r}")
        super().__init__(hidden_size, num_classes, over=over, seed=seed, dtype=dtype)

    @property
    def num_classes(self) -> int:
        return self.output_size

    @staticmethod
    def probs(trace: HeadTrace) -> np.ndarray:
        return softmax(trace.y)


# --------------------------------------------------------------------------- model


@dataclass
class ModelTrace:
    """A ``SequenceModel`` forward pass: the core's trace (gates, cell states, ...),
    the head's trace, and the model output (regression values or class logits)."""

    core: object
    head: HeadTrace

    @property
    def output(self) -> np.ndarray:
        return self.head.y


def _core_forward(core, x, h0=None, c0=None):
    if c0 is not None:
        return core.forward(x, h0=h0, c0=c0)
    if h0 is not None:
        return core.forward(x, h0=h0)
    return core.forward(x)


class SequenceModel:
    """A recurrent core, a head and a loss, trained as one model.

    ``core`` is anything with ``params`` / ``forward(x)`` / ``backward(trace, dh)`` in the
    ``lstm_edu`` contract (``LSTM``, ``RNN``, ``GRU``, ``LSTMVariant``). The loss is ``mse``
    for a ``LinearHead`` and ``cross_entropy`` for a ``SoftmaxHead``.

    Targets ``y``: ``(B,)``/``(B, O)`` for ``over="last"`` regression, ``(T, B)``/``(T, B, O)``
    for ``over="all"``; integer labels ``(B,)`` or ``(T, B)`` for a classifier.

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
    def forward(self, x, h0=None, c0=None) -> ModelTrace:
        """x ``(T, B, I)`` -> ``ModelTrace`` (``.output``: values or logits)."""
        ct = _core_forward(self.core, x, h0, c0)
        return ModelTrace(ct, self.head.forward(ct.h))

    def _loss(self, out, y):
        if self.task == "classification":
            return cross_entropy(out, np.asarray(y))
        return mse(out, y)

    def loss_and_grads(self, x, y) -> tuple[float, dict]:
        """One forward + backward pass: ``(loss, grads)`` with ``grads`` keyed like ``params``."""
        tr = self.forward(x)
        loss, dout = self._loss(tr.output, y)
        hg = self.head.backward(tr.head, dout)
        cg = self.core.backward(tr.core, hg["h"])
        grads = {f"core.{k}": cg[k] for k in self.core.params}
        grads.update({f"head.{k}": hg[k] for k in self.head.params})
        return loss, grads

    def predict(self, x) -> np.ndarray:
        """Regression: the predicted values. Classification: class probabilities."""
        out = self.forward(x).output
        return softmax(out) if self.task == "classification" else out

    def evaluate(self, x, y) -> dict:
        """Metrics on ``(x, y)``: ``{"loss", "mse"}`` or ``{"loss", "accuracy"}``."""
        out = self.forward(x).output
        loss, _ = self._loss(out, y)
        if self.task == "classification":
            return {"loss": loss, "accuracy": float(np.mean(out.argmax(-1) == np.asarray(y)))}
        return {"loss": loss, "mse": loss}


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
