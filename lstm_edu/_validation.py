"""Input checks shared by ``LSTM``, ``RNN``, ``GRU`` and ``gradcheck``.

Every check raises at once with a message that names the argument, what was expected and
what was given, e.g. ``x: expected a 3-D array of shape (T, B, I=3), got shape (5, 3)``.

- ``TypeError``: wrong kind of thing: a dtype that is not a real number (str, object, complex,
  bool), an unsupported model dtype (only float64 and float32), a size that is not an integer,
  parameter arrays of mixed dtypes.
- ``ValueError``: right kind, wrong value: wrong rank or shape, empty sequence (T = 0 or B = 0),
  NaN or inf, non-positive size, missing or extra parameter names.

Checks run once per call (never per time step), so they cost little next to the sequence loop.

The model base that uses these checks (sizes, dtype, parameters, ``from_params``) is
``lstm_edu.base.RecurrentParams``; the equations live in ``cells.py`` (readable) and
``lstm.py``/``rnn.py``/``gru.py`` (fast).
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


PARAM_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def param_shapes(n_gates, input_size, hidden_size, extra=()):
    """Expected ``{name: (shape, description)}`` of the torch-layout parameters.

    ``extra``: names of additional per-unit vectors of shape ``(H,)`` (an LSTM variant's
    peephole weights). The one home of the models' parameter shapes.
    """
    g, i, h = n_gates, input_size, hidden_size
    pre = f"{g}H" if g > 1 else "H"
    shapes = {
        "weight_ih": ((g * h, i), f"({pre}, I)"),
        "weight_hh": ((g * h, h), f"({pre}, H)"),
        "bias_ih": ((g * h,), f"({pre},)"),
        "bias_hh": ((g * h,), f"({pre},)"),
    }
    shapes.update({name: ((h,), "(H,)") for name in extra})
    return shapes


def check_param_keys(params, name="params", extra=()):
    """``params`` is a dict with exactly the torch-layout keys (plus ``extra``)."""
    if not isinstance(params, dict):
        raise TypeError(f"{name}: expected a dict of arrays, got {type(params).__name__}")
    expected = PARAM_NAMES + tuple(extra)
    missing = [k for k in expected if k not in params]
    unexpected = sorted(str(k) for k in params if k not in expected)
    if missing or unexpected:
        raise ValueError(
            f"{name}: expected exactly the keys {list(expected)}, got missing keys {missing} "
            f"and unexpected keys {unexpected}"
        )


def infer_sizes(params, n_gates, name="params", extra=()):
    """(input_size, hidden_size, dtype) from torch-layout parameter arrays, all checked."""
    check_param_keys(params, name, extra)
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
    check_params(arrays, n_gates, input_size, hidden_size, w_ih.dtype, name, extra)
    return input_size, hidden_size, w_ih.dtype


def check_params(params, n_gates, input_size, hidden_size, dtype, name="params", extra=()):
    """Shapes, dtype and finiteness of the current parameters (cheap; run once per call)."""
    for key, (shape, desc) in param_shapes(n_gates, input_size, hidden_size, extra).items():
        if key not in params:
            check_param_keys(params, name, extra)
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
