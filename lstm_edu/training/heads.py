"""Output heads on top of a recurrent core: a linear readout and a softmax classifier.

What it covers
--------------
- ``LinearHead``: a linear readout ``y = h W^T + b`` (regression), over the last step or
  every step.  ``SoftmaxHead``: the same affine map read as class logits.
- Variable-length batches: ``forward(h, lengths)`` with ``lengths (B,)`` ints in ``[1, T]``
  (right-padded sequences, as ``torch.nn.utils.rnn.pack_padded_sequence`` takes them). Then
  ``over="last"`` reads each sequence's **last valid step** ``h[lengths[b] - 1, b]``, not the
  padding; ``over="all"`` reads every step as before (the losses mask the padded ones,
  ``lstm_edu.training.losses``).

Each head keeps forward and backward together (CS231n style): ``forward`` returns a small
trace, ``backward(trace, dy)`` returns gradients for the head's params and for ``h``.

What it does not cover: the recurrent cores (``lstm_edu.lstm`` etc.), the losses
(``lstm_edu.training.losses``), the model that glues core, head and loss
(``lstm_edu.training.model``) and the training loop (``lstm_edu.training.trainer``).

Shapes: ``T`` steps, ``B`` batch, ``H`` hidden size, ``O`` outputs, ``C`` classes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_edu.activations import softmax
from lstm_edu.packing import check_lengths

__all__ = ["LinearHead", "SoftmaxHead", "HeadTrace"]


@dataclass
class HeadTrace:
    """What a head's forward keeps for backward (and for plots).

    h_shape: shape ``(T, B, H)`` of the core output the head read.
    h_used: ``(B, H)`` for ``over="last"``, ``(T, B, H)`` for ``over="all"``.
    y: the head's output, ``(B, O)`` or ``(T, B, O)``.
    lengths: ``(B,)`` int64, each sequence's number of valid steps (``T`` for all when the
        forward pass was given no lengths).
    """

    h_shape: tuple
    h_used: np.ndarray
    y: np.ndarray
    lengths: np.ndarray | None = None


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

    def forward(self, h: np.ndarray, lengths=None) -> HeadTrace:
        """h: ``(T, B, H)`` -> trace with ``y``: ``(B, O)`` (last) or ``(T, B, O)`` (all).

        lengths: ``(B,)`` ints in ``[1, T]`` or None (every sequence has ``T`` steps). With
        ``over="last"``, sequence ``b`` is read at its last valid step ``lengths[b] - 1``.
        """
        h = np.asarray(h)
        if h.ndim != 3 or h.shape[2] != self.hidden_size:
            raise ValueError(f"h must have shape (T, B, {self.hidden_size}), got {h.shape}")
        T, B = h.shape[:2]
        lengths = check_lengths(lengths, T, B)
        h_used = h[lengths - 1, np.arange(B)] if self.over == "last" else h
        y = h_used @ self.params["weight"].T + self.params["bias"]
        return HeadTrace(h.shape, h_used, y, lengths)

    def backward(self, trace: HeadTrace, dy: np.ndarray) -> dict:
        """dy = dL/dy (shape of ``trace.y``) -> grads ``weight``, ``bias`` and ``h (T, B, H)``.

        ``grads["h"]`` is zero at every step but each sequence's last valid one when
        ``over="last"``.
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
            B = trace.h_shape[1]
            last = (trace.lengths - 1 if trace.lengths is not None
                    else np.full(B, trace.h_shape[0] - 1))
            dh[last, np.arange(B)] = dh_used
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
