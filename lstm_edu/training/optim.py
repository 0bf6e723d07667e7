"""Optimizers and gradient clipping for ``lstm_edu`` models.

What it covers: plain/momentum SGD, Adam (Kingma & Ba 2015) and gradient-norm clipping
(Pascanu, Mikolov & Bengio 2013). Every optimizer has one update signature::

    opt = Adam(lr=1e-2)
    opt.step(model.params, grads)      # updates each model.params[name] IN PLACE

``grads`` is a dict with (at least) the keys of ``params``; extra keys such as ``"x"``,
``"h0"`` or ``"c0"`` from a core's ``backward`` are ignored. Per-parameter state (momentum
buffers, Adam moments) is kept by name inside the optimizer.

What it does not cover: learning-rate schedules, weight decay, second-order methods.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SGD", "Adam", "clip_grad_norm", "grad_norm"]


def grad_norm(grads: dict, keys=None) -> float:
    """Global L2 norm of the arrays ``grads[k]`` for ``k`` in ``keys`` (default: all keys)."""
    keys = list(grads) if keys is None else list(keys)
    return math.sqrt(sum(float(np.sum(np.square(grads[k], dtype=np.float64))) for k in keys))


def clip_grad_norm(grads: dict, max_norm: float, keys=None) -> float:
    """Rescale ``grads`` in place so their global L2 norm is at most ``max_norm``.

    Pascanu et al. (2013), Algorithm 1: if ``||g|| > max_norm`` then ``g <- g * max_norm/||g||``.
    The direction of the update is kept; only its length is capped. This is what
    ``torch.nn.utils.clip_grad_norm_`` does (it also returns the norm *before* clipping).

    Parameters
    ----------
    grads : dict of name -> ndarray, modified in place.
    max_norm : positive float.
    keys : which entries count (default: all). Pass the parameter names when ``grads`` also
        holds ``"x"``/``"h0"``/``"c0"``.

    Returns
    -------
    float: the total norm before clipping.
    """
    if not (isinstance(max_norm, (int, float)) and max_norm > 0):
        raise ValueError(f"max_norm must be a positive number, got {max_norm!r}")
    keys = list(grads) if keys is None else list(keys)
    total = grad_norm(grads, keys)
    if not math.isfinite(total):
        raise ValueError(f"gradient norm is {total}: a gradient holds NaN or inf")
    if total > max_norm:
        scale = max_norm / total
        for k in keys:
            grads[k] *= scale
    return total


class _Optimizer:
    """Shared checks: every parameter must have a gradient of the same shape."""

    def __init__(self, lr: float):
        if not (isinstance(lr, (int, float)) and lr > 0):
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.lr = float(lr)
        self.state: dict[str, dict] = {}
        self.t = 0  # number of steps taken

    def _check(self, params: dict, grads: dict) -> None:
        for name, p in params.items():
            if name not in grads:
                raise ValueError(f"grads has no entry {name!r} (params has it)")
            if grads[name].shape != p.shape:
                raise ValueError(
                    f"grads[{name!r}] has shape {grads[name].shape}, expected {p.shape}"
                )

    def step(self, params: dict, grads: dict) -> None:
        self._check(params, grads)
        self.t += 1
        for name, p in params.items():
            self._update(name, p, np.asarray(grads[name], dtype=p.dtype))

    def _update(self, name, p, g):  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(_Optimizer):
    """Stochastic gradient descent, optionally with (heavy-ball) momentum.

    Without momentum:  ``p <- p - lr * g``.
    With momentum mu (PyTorch's convention, no dampening):
    ``v <- mu * v + g`` (``v = g`` on the first step);  ``p <- p - lr * v``.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.0):
        super().__init__(lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)

    def _update(self, name, p, g):
        if self.momentum == 0.0:
            p -= self.lr * g
            return
        st = self.state.setdefault(name, {})
        if "v" not in st:
            st["v"] = g.copy()
        else:
            st["v"] *= self.momentum
            st["v"] += g
        p -= self.lr * st["v"]

    def __repr__(self):
        return f"SGD(lr={self.lr}, momentum={self.momentum})"


class Adam(_Optimizer):
    """Adam (Kingma & Ba 2015, Algorithm 1), the same formulas as ``torch.optim.Adam``.

    With step count ``t`` (starting at 1)::

        m <- b1 * m + (1 - b1) * g            v <- b2 * v + (1 - b2) * g**2
        m_hat = m / (1 - b1**t)               v_hat = v / (1 - b2**t)
        p <- p - lr * m_hat / (sqrt(v_hat) + eps)

    On the first step ``m_hat = g`` and ``v_hat = g**2``, so every parameter moves by
    ``-lr * sign(g)`` (up to eps): Adam's step size is set by ``lr``, not by the gradient.
    """

    def __init__(self, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(lr)
        b1, b2 = betas
        if not (0.0 <= b1 < 1.0 and 0.0 <= b2 < 1.0):
            raise ValueError(f"betas must be in [0, 1), got {betas!r}")
        self.betas = (float(b1), float(b2))
        self.eps = float(eps)

    def _update(self, name, p, g):
        b1, b2 = self.betas
        st = self.state.setdefault(name, {"m": np.zeros_like(p), "v": np.zeros_like(p)})
        m, v = st["m"], st["v"]
        m *= b1
        m += (1 - b1) * g
        v *= b2
        v += (1 - b2) * (g * g)
        m_hat = m / (1 - b1**self.t)
        v_hat = v / (1 - b2**self.t)
        p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)

    def __repr__(self):
        return f"Adam(lr={self.lr}, betas={self.betas}, eps={self.eps})"
