"""Input checks shared by ``LSTM``, ``RNN``, ``GRU`` and ``gradcheck``.

Every check raises at once with a message that names the argument, what was expected and
what was given, e.g. ``x: expected a 3-D array of shape (T, B, I=3), got shape (5, 3)``.

- ``TypeError``: wrong kind of thing: a dtype that is not a real number (str, object, complex,
  bool), an unsupported model dtype (only float64 and float32), a size that is not an integer,
  parameter arrays of mixed dtypes.
- ``ValueError``: right kind, wrong value: wrong rank or shape, empty sequence (T = 0 or B = 0),
  NaN or inf, non-positive size, missing or extra parameter names.

Checks run once per call (never per time step), so they cost little next to the sequence loop.

``RecurrentParams`` is the validated parameter container the three models share: sizes, dtype,
torch-like initialisation, ``from_params``, ``num_params`` and ``__repr__``. It holds no
equations: those live in ``cells.py`` (readable) and ``lstm.py``/``rnn.py``/``gru.py`` (fast).
"""

import numbers

import numpy as np

SUPPORTED_DTYPES = (np.dtype(np.float64), np.dtype(np.float32))


def check_size(value, name):
    """A positive Python/numpy integer (not bool), returned as ``int``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name}: expected a positive integer, got {value!r} ({type(value).__name__})"
        )
    if value <= 0:
        raise ValueError(f"{name}: expected a positive integer, got {value!r}")
    return int(value)


def check_model_dtype(dtype, name="dtype"):
    """float64 or float32 as an ``np.dtype``; anything else is a ``TypeError``."""
    try:
        dt = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"{name}: expected float64 or float32, got {dtype!r}") from err
    if dt not in SUPPORTED_DTYPES:
        raise TypeError(f"{name}: expected float64 or float32, got {dt}")
    return dt


def as_real_array(value, name, dtype):
    """``value`` as an array of ``dtype``; only float and (non-bool) integer inputs are accepted."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists and the like
        raise TypeError(f"{name}: expected an array of real numbers, got {err}") from err
    if arr.dtype.kind not in "fiu":
        raise TypeError(
            f"{name}: expected an array of real numbers (float or int) to be used as {dtype}, "
            f"got dtype {arr.dtype}"
        )
    return np.asarray(arr, dtype=dtype)


def check_finite(arr, name):
    """Report NaN/inf instead of letting them flow through the recurrence."""
    # A finite sum implies finite entries; only when it is not do we pay for the exact test
    # (a sum can overflow with large but finite entries).
    with np.errstate(over="ignore", invalid="ignore"):
        total = arr.sum()
    if np.isfinite(total):
        return
    bad = ~np.isfinite(arr)
    if not bad.any():
        return
    n_nan = int(np.isnan(arr).sum())
    n_inf = int(bad.sum()) - n_nan
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    raise ValueError(
        f"{name}: expected finite values, got {n_nan} NaN and {n_inf} inf entries "
        f"(first at index {first})"
    )


def check_sequence(x, input_size, dtype, name="x"):
    """x: (T, B, I) with T, B >= 1 and I == input_size; returned as a finite ``dtype`` array."""
    arr = as_real_array(x, name, dtype)
    if arr.ndim != 3 or arr.shape[2] != input_size:
        raise ValueError(
            f"{name}: expected a 3-D array of shape (T, B, I={input_size}), got shape {arr.shape}"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(
            f"{name}: expected a non-empty sequence of shape (T, B, I={input_size}) with "
            f"T >= 1 and B >= 1, got shape {arr.shape}"
        )
    check_finite(arr, name)
    return arr


def check_state(state, name, batch, hidden_size, dtype):
    """An initial state (B, H); ``None`` means zeros. Always returns a fresh array."""
    if state is None:
        return np.zeros((batch, hidden_size), dtype=dtype)
    arr = as_real_array(state, name, dtype)
    if arr.shape != (batch, hidden_size):
        raise ValueError(
            f"{name}: expected shape (B, H) = ({batch}, {hidden_size}) to match x's batch size "
            f"and hidden_size, got shape {arr.shape}"
        )
    check_finite(arr, name)
    return np.array(arr, dtype=dtype, copy=True)


def check_grad_output(value, name, shape, dtype, what):
    """An upstream gradient such as dh: (T, B, H), matching the trace it is applied to."""
    arr = as_real_array(value, name, dtype)
    if arr.shape != tuple(shape):
        raise ValueError(f"{name}: expected shape {what} = {tuple(shape)}, got shape {arr.shape}")
    check_finite(arr, name)
    return arr


def param_shapes(n_gates, input_size, hidden_size):
    """Expected ``{name: (shape, description)}`` of the torch-layout parameters."""
    g, i, h = n_gates, input_size, hidden_size
    pre = f"{g}H" if g > 1 else "H"
    return {
        "weight_ih": ((g * h, i), f"({pre}, I)"),
        "weight_hh": ((g * h, h), f"({pre}, H)"),
        "bias_ih": ((g * h,), f"({pre},)"),
        "bias_hh": ((g * h,), f"({pre},)"),
    }


def check_param_keys(params, name="params"):
    if not isinstance(params, dict):
        raise TypeError(f"{name}: expected a dict of arrays, got {type(params).__name__}")
    expected = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    missing = [k for k in expected if k not in params]
    extra = sorted(str(k) for k in params if k not in expected)
    if missing or extra:
        raise ValueError(
            f"{name}: expected exactly the keys {list(expected)}, got missing keys {missing} "
            f"and unexpected keys {extra}"
        )


def infer_sizes(params, n_gates, name="params"):
    """(input_size, hidden_size, dtype) from torch-layout parameter arrays, all checked."""
    check_param_keys(params, name)
    arrays = {k: np.asarray(v) for k, v in params.items()}
    for key, arr in arrays.items():
        if arr.dtype not in SUPPORTED_DTYPES:
            raise TypeError(f"{name}['{key}']: expected dtype float64 or float32, got {arr.dtype}")
    dtypes = {arr.dtype for arr in arrays.values()}
    if len(dtypes) > 1:
        given = ", ".join(f"{k} {arrays[k].dtype}" for k in arrays)
        raise TypeError(f"{name}: expected one dtype for all arrays, got mixed dtypes: {given}")
    w_ih = arrays["weight_ih"]
    pre = f"{n_gates}H" if n_gates > 1 else "H"
    if w_ih.ndim != 2 or w_ih.shape[0] % n_gates or min(w_ih.shape) == 0:
        raise ValueError(
            f"{name}['weight_ih']: expected a 2-D array of shape ({pre}, I) with a positive "
            f"number of rows divisible by {n_gates}, got shape {w_ih.shape}"
        )
    hidden_size, input_size = w_ih.shape[0] // n_gates, w_ih.shape[1]
    check_params(arrays, n_gates, input_size, hidden_size, w_ih.dtype, name)
    return input_size, hidden_size, w_ih.dtype


def check_params(params, n_gates, input_size, hidden_size, dtype, name="params"):
    """Shapes, dtype and finiteness of the current parameters (cheap; run once per call)."""
    for key, (shape, desc) in param_shapes(n_gates, input_size, hidden_size).items():
        if key not in params:
            check_param_keys(params, name)
        arr = params[key]
        if not isinstance(arr, np.ndarray):
            raise TypeError(f"{name}['{key}']: expected a numpy array, got {type(arr).__name__}")
        if arr.shape != shape:
            raise ValueError(
                f"{name}['{key}']: expected shape {desc} = {shape} for input_size={input_size}, "
                f"hidden_size={hidden_size}, got shape {arr.shape}"
            )
        if arr.dtype != dtype:
            raise TypeError(f"{name}['{key}']: expected dtype {dtype}, got {arr.dtype}")
        check_finite(arr, f"{name}['{key}']")


class TraceRepr:
    """A trace's short repr: its sizes and dtype, not its arrays (shared by the three traces)."""

    def __repr__(self):
        T, B, I = self.x.shape  # noqa: E741 (the book's letters)
        return (f"{type(self).__name__}(T={T}, B={B}, I={I}, H={self.h.shape[2]}, "
                f"dtype={self.h.dtype})")


class RecurrentParams:
    """Sizes, dtype and torch-layout parameters of a one-layer recurrent model.

    Subclasses set ``n_gates`` (LSTM 4, GRU 3, RNN 1). Parameters are drawn like PyTorch's
    default: every entry uniform in (-1/sqrt(H), 1/sqrt(H)), from ``np.random.default_rng(seed)``
    in the order weight_ih, weight_hh, bias_ih, bias_hh (float64 draws, then cast to ``dtype``).
    """

    n_gates = 1

    def __init__(self, input_size, hidden_size, seed=None, dtype=np.float64):
        self.input_size = check_size(input_size, "input_size")
        self.hidden_size = check_size(hidden_size, "hidden_size")
        self.dtype = check_model_dtype(dtype)
        rng = np.random.default_rng(seed)
        bound = 1.0 / np.sqrt(self.hidden_size)
        self.params = {
            key: rng.uniform(-bound, bound, size=shape).astype(self.dtype)
            for key, (shape, _) in param_shapes(
                self.n_gates, self.input_size, self.hidden_size
            ).items()
        }

    @classmethod
    def from_params(cls, params):
        """A model holding copies of ``params`` (torch layout); sizes inferred, dtype kept."""
        input_size, hidden_size, dtype = infer_sizes(params, cls.n_gates)
        model = cls.__new__(cls)
        model.input_size, model.hidden_size, model.dtype = input_size, hidden_size, dtype
        model.params = {key: np.array(params[key], dtype=dtype, copy=True)
                        for key in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}
        return model

    @property
    def num_params(self):
        """Number of scalar parameters: G(IH + H^2) + 2GH for G gate blocks."""
        g, i, h = self.n_gates, self.input_size, self.hidden_size
        return g * (i * h + h * h) + 2 * g * h

    def __repr__(self):
        return (f"{type(self).__name__}(input_size={self.input_size}, "
                f"hidden_size={self.hidden_size}, dtype={self.dtype})")

    def _check_params(self):
        check_params(self.params, self.n_gates, self.input_size, self.hidden_size, self.dtype)

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
