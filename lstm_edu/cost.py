r"""What a recurrent layer costs: multiply-adds counted, and the memory BPTT keeps, measured.

What it covers
--------------
- ``macs_per_step(kind, I, H, num_layers=1, bidirectional=False)``: the formula. One step of
  one layer and direction multiplies the input (n_in numbers) and h_{t-1} (H numbers) by the
  G gate blocks of H rows each: G*H*(n_in + H) multiply-adds per sequence, G = 4 (LSTM),
  3 (GRU), 1 (RNN); n_in = I for the first layer and D*H above it. Everything else in a step
  (sigmoids, tanh, the element-wise products) is O(H): for the LSTM about 10H operations
  next to 4H(I + H).
- ``count_macs(kind, T, B, I, H)``: the same number *counted*: the reference loops of
  ``lstm_edu.cells`` run on arrays of a numpy subclass that adds m*k*n for every
  (m, k) @ (k, n) product it takes part in. Returns ``{"forward", "backward"}``: the backward
  pass needs two products per forward one (dL/d(input) and dL/d(weights)), so about twice.
- ``trace_bytes(trace)``: the bytes of every distinct array buffer a forward trace holds (what
  backpropagation through time must keep until the backward pass): views of one buffer count
  once. For ``lstm_edu.LSTM`` that is 7*T*B*H numbers (4 gates, c, tanh(c), h per step) plus
  the input and a copy of the weights: O(T*B*H).

Not covered: timing (``benchmarks/bench_cost.py`` measures lstm_edu and torch), FLOPs of the
non-linearities, memory of optimizers.
"""

import dataclasses

import numpy as np

from lstm_edu import cells

__all__ = ["GATE_BLOCKS", "macs_per_step", "count_macs", "trace_bytes"]

GATE_BLOCKS = {"lstm": 4, "gru": 3, "rnn": 1}


def _kind(kind):
    if kind not in GATE_BLOCKS:
        raise ValueError(f"kind: expected one of {sorted(GATE_BLOCKS)}, got {kind!r}")
    return kind


def macs_per_step(kind, input_size, hidden_size, num_layers=1, bidirectional=False):
    """Multiply-adds of one time step of one sequence through the whole stack."""
    G, H, D = GATE_BLOCKS[_kind(kind)], hidden_size, 2 if bidirectional else 1
    return sum(D * G * H * ((input_size if layer == 0 else D * H) + H)
               for layer in range(num_layers))


def _counting_array_class(total):
    """An ndarray subclass that adds the multiply-adds of every matmul it enters to
    ``total[0]``, and whose results (of ufuncs and of np.concatenate, np.split, ...) are of the
    same class, so that everything computed from a counted array is counted too."""

    class Counting(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
            plain = [np.asarray(a) if isinstance(a, Counting) else a for a in inputs]
            if ufunc is np.matmul and method == "__call__":
                a, b = plain
                total[0] += int(np.prod(a.shape[:-1])) * a.shape[-1] * b.shape[-1]
            if out is not None:                                # in place: write, return out
                getattr(ufunc, method)(*plain, out=tuple(np.asarray(o) for o in out), **kwargs)
                return out[0] if len(out) == 1 else out
            result = getattr(ufunc, method)(*plain, **kwargs)
            return result.view(Counting) if isinstance(result, np.ndarray) else result

        def __array_function__(self, func, types, args, kwargs):
            result = super().__array_function__(func, types, args, kwargs)
            if isinstance(result, np.ndarray):
                return result.view(Counting)
            if isinstance(result, list):
                return [r.view(Counting) if isinstance(r, np.ndarray) else r for r in result]
            return result

    return Counting


def count_macs(kind, T, B, input_size, hidden_size, seed=0):
    """{"forward": n, "backward": m}: the multiply-adds the reference loops of ``cells``
    perform for one layer over x (T, B, I), counted matmul by matmul (weights in torch layout,
    random values; the count does not depend on them). Every product of the reference loops
    has a weight, the input or an upstream gradient as an operand, so none escapes the count."""
    G, H = GATE_BLOCKS[_kind(kind)], hidden_size
    total = [0]
    counting = _counting_array_class(total)
    rng = np.random.default_rng(seed)
    params = {"weight_ih": rng.standard_normal((G * H, input_size)).view(counting),
              "weight_hh": (rng.standard_normal((G * H, H)) / np.sqrt(H)).view(counting),
              "bias_ih": np.zeros(G * H), "bias_hh": np.zeros(G * H)}
    x = rng.standard_normal((T, B, input_size)).view(counting)
    h0 = np.zeros((B, H)).view(counting)
    dh = np.ones((T, B, H)).view(counting)
    if kind == "lstm":
        _, _, caches = cells.lstm_forward(x, h0, h0.copy(), params)
    else:
        _, caches = getattr(cells, f"{kind}_forward")(x, h0, params)
    forward = total[0]
    getattr(cells, f"{kind}_backward")(dh, caches)
    return {"forward": forward, "backward": total[0] - forward}


def _owner(arr):
    """The array that owns ``arr``'s memory (the end of its ``.base`` chain)."""
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


def trace_bytes(trace):
    """Bytes of the distinct array buffers reachable from ``trace`` (a dataclass, dict, list or
    tuple of them, nested): each buffer counted once, however many views point into it."""
    owners, stack, seen = {}, [trace], set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, np.ndarray):
            if obj.dtype != object:
                owner = _owner(obj)
                owners[id(owner)] = owner.nbytes
        elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
            if id(obj) not in seen:
                seen.add(id(obj))
                stack.extend(getattr(obj, f.name) for f in dataclasses.fields(obj))
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, (list, tuple)):
            stack.extend(obj)
        elif hasattr(obj, "params") and isinstance(obj.params, dict):   # a model in a trace
            stack.append(obj.params)
    return int(sum(owners.values()))
