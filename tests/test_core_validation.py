"""Bad input raises the right exception, naming the argument, the expectation and what came."""

import re

import numpy as np
import pytest

from lstm_edu import GRU, LSTM, RNN


def lit(text):
    return re.escape(text)


MODELS = [LSTM, RNN, GRU]
GATES = {LSTM: 4, RNN: 1, GRU: 3}


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
class TestForwardInputs:
    def test_wrong_rank(self, cls):
        with pytest.raises(ValueError, match=lit(
                "x: expected a 3-D array of shape (T, B, I=3), got shape (5, 3)")):
            cls(3, 4).forward(np.zeros((5, 3)))

    def test_wrong_feature_size(self, cls):
        with pytest.raises(ValueError, match=lit(
                "x: expected a 3-D array of shape (T, B, I=3), got shape (5, 2, 4)")):
            cls(3, 4).forward(np.zeros((5, 2, 4)))

    @pytest.mark.parametrize("shape", [(0, 2, 3), (4, 0, 3)])
    def test_empty_sequence(self, cls, shape):
        with pytest.raises(ValueError, match=lit(
                f"x: expected a non-empty sequence of shape (T, B, I=3) with T >= 1 and B >= 1, "
                f"got shape {shape}")):
            cls(3, 4).forward(np.zeros(shape))

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite_x(self, cls, bad):
        x = np.zeros((2, 2, 3))
        x[1, 0, 2] = bad
        with pytest.raises(ValueError, match=r"x: expected finite values, got \d NaN and \d inf "
                                             r"entries \(first at index \(1, 0, 2\)\)"):
            cls(3, 4).forward(x)

    @pytest.mark.parametrize("value, given", [
        (np.array([[["a", "b", "c"]]]), "<U1"),
        (np.zeros((1, 1, 3), dtype=object), "object"),
        (np.zeros((1, 1, 3), dtype=complex), "complex128"),
        (np.zeros((1, 1, 3), dtype=bool), "bool"),
    ])
    def test_non_numeric_x(self, cls, value, given):
        with pytest.raises(TypeError, match=r"x: expected an array of real numbers .* "
                                            + lit(f"got dtype {given}")):
            cls(3, 4).forward(value)

    def test_h0_shape_mismatch(self, cls):
        with pytest.raises(ValueError, match=lit(
                "h0: expected shape (B, H) = (2, 4) to match x's batch size and hidden_size, "
                "got shape (3, 4)")):
            cls(3, 4).forward(np.zeros((5, 2, 3)), h0=np.zeros((3, 4)))

    def test_h0_non_finite(self, cls):
        h0 = np.zeros((2, 4))
        h0[0, 1] = np.nan
        with pytest.raises(ValueError, match=r"h0: expected finite values, got 1 NaN and 0 inf"):
            cls(3, 4).forward(np.zeros((5, 2, 3)), h0=h0)

    def test_parameter_turned_nan_is_reported(self, cls):
        model = cls(3, 4)
        model.params["weight_hh"][0, 0] = np.nan   # as a diverging optimizer would
        with pytest.raises(ValueError, match=lit("params['weight_hh']: expected finite values")):
            model.forward(np.zeros((2, 1, 3)))

    def test_parameter_replaced_with_wrong_shape(self, cls):
        model = cls(3, 4)
        g = GATES[cls]
        model.params["weight_ih"] = np.zeros((g * 4, 2))
        with pytest.raises(ValueError, match=lit("params['weight_ih']: expected shape ") + ".*"
                           + lit(f"= ({g * 4}, 3) for input_size=3, hidden_size=4, "
                                 f"got shape ({g * 4}, 2)")):
            model.forward(np.zeros((2, 1, 3)))

    def test_dh_shape(self, cls):
        model = cls(3, 4)
        trace = model.forward(np.zeros((5, 2, 3)))
        with pytest.raises(ValueError, match=lit(
                "dh: expected shape (T, B, H) = (5, 2, 4), got shape (5, 4)")):
            model.backward(trace, np.zeros((5, 4)))

    def test_dh_non_finite(self, cls):
        model = cls(3, 4)
        trace = model.forward(np.zeros((5, 2, 3)))
        dh = np.zeros((5, 2, 4))
        dh[4, 1, 3] = np.inf
        with pytest.raises(ValueError, match=r"dh: expected finite values, got 0 NaN and 1 inf"):
            model.backward(trace, dh)

    def test_wrong_trace(self, cls):
        with pytest.raises(TypeError, match=r"trace: expected an? \w+Trace .*got dict"):
            cls(3, 4).backward({}, np.zeros((1, 1, 4)))

    @pytest.mark.parametrize("name", ["input_size", "hidden_size"])
    @pytest.mark.parametrize("value", [0, -3])
    def test_non_positive_size(self, cls, name, value):
        sizes = {"input_size": 3, "hidden_size": 4, name: value}
        with pytest.raises(ValueError, match=lit(f"{name}: expected a positive integer, "
                                                 f"got {value}")):
            cls(**sizes)

    @pytest.mark.parametrize("value, tname", [(2.5, "float"), ("4", "str"), (True, "bool")])
    def test_non_integer_size(self, cls, value, tname):
        with pytest.raises(TypeError, match=lit(f"hidden_size: expected a positive integer, "
                                                f"got {value!r} ({tname})")):
            cls(3, value)

    @pytest.mark.parametrize("dtype", [np.float16, np.int64, np.complex128, "banana"])
    def test_unsupported_model_dtype(self, cls, dtype):
        with pytest.raises(TypeError, match=r"dtype: expected float64 or float32, got "):
            cls(3, 4, dtype=dtype)


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
class TestFromParams:
    def test_missing_key(self, cls):
        params = cls(3, 4).params
        del params["bias_hh"]
        with pytest.raises(ValueError, match=lit(
                "params: expected exactly the keys ['weight_ih', 'weight_hh', 'bias_ih', "
                "'bias_hh'], got missing keys ['bias_hh'] and unexpected keys []")):
            cls.from_params(params)

    def test_extra_key(self, cls):
        params = {**cls(3, 4).params, "weight_hr": np.zeros((4, 4))}
        with pytest.raises(ValueError, match=lit("got missing keys [] and unexpected keys "
                                                 "['weight_hr']")):
            cls.from_params(params)

    def test_wrong_shape(self, cls):
        g = GATES[cls]
        params = cls(3, 4).params
        params["weight_hh"] = np.zeros((g * 4, 5))
        with pytest.raises(ValueError, match=lit("params['weight_hh']: expected shape ")
                           + ".*" + lit(f"= ({g * 4}, 4) for input_size=3, hidden_size=4, "
                                        f"got shape ({g * 4}, 5)")):
            cls.from_params(params)

    def test_inconsistent_sizes(self, cls):
        g = GATES[cls]
        params = cls(3, 4).params
        params["bias_ih"] = np.zeros(g * 4 + 1)
        with pytest.raises(ValueError, match=lit("params['bias_ih']: expected shape ")
                           + ".*" + lit(f"got shape ({g * 4 + 1},)")):
            cls.from_params(params)

    def test_mixed_dtypes(self, cls):
        params = cls(3, 4).params
        params["bias_hh"] = params["bias_hh"].astype(np.float32)
        with pytest.raises(TypeError, match=r"params: expected one dtype for all arrays, got "
                                            r"mixed dtypes: .*bias_hh float32"):
            cls.from_params(params)

    def test_unsupported_param_dtype(self, cls):
        params = {k: v.astype(np.int64) for k, v in cls(3, 4).params.items()}
        with pytest.raises(TypeError, match=lit("params['weight_ih']: expected dtype float64 "
                                                "or float32, got int64")):
            cls.from_params(params)

    def test_nan_param(self, cls):
        params = cls(3, 4).params
        params["bias_ih"][1] = np.nan
        with pytest.raises(ValueError, match=lit("params['bias_ih']: expected finite values, "
                                                 "got 1 NaN and 0 inf entries (first at index "
                                                 "(1,))")):
            cls.from_params(params)

    def test_not_a_dict(self, cls):
        with pytest.raises(TypeError, match=r"params: expected a dict of arrays, got list"):
            cls.from_params([])

    def test_good_params_are_copied_and_sizes_inferred(self, cls):
        src = cls(3, 4, seed=1, dtype=np.float32)
        model = cls.from_params(src.params)
        assert (model.input_size, model.hidden_size, model.dtype) == (3, 4, np.float32)
        model.params["weight_ih"][0, 0] += 1
        assert model.params["weight_ih"][0, 0] != src.params["weight_ih"][0, 0]


def test_lstm_c0_and_dc_last_shapes():
    model = LSTM(3, 4)
    with pytest.raises(ValueError, match=lit(
            "c0: expected shape (B, H) = (2, 4) to match x's batch size and hidden_size, "
            "got shape (2, 5)")):
        model.forward(np.zeros((5, 2, 3)), c0=np.zeros((2, 5)))
    trace = model.forward(np.zeros((5, 2, 3)))
    with pytest.raises(ValueError, match=lit(
            "dc_last: expected shape (B, H) = (2, 4), got shape (4,)")):
        model.backward(trace, np.zeros((5, 2, 4)), dc_last=np.zeros(4))


def test_ragged_list_is_a_type_error():
    with pytest.raises(TypeError, match=r"x: expected an array of real numbers"):
        LSTM(1, 2).forward([[[1.0]], [[1.0, 2.0]]])


def test_integer_input_is_accepted_and_cast():
    trace = LSTM(2, 3, dtype=np.float32).forward(np.ones((2, 1, 2), dtype=np.int64))
    assert trace.h.dtype == np.float32


@pytest.mark.parametrize("cls", [LSTM, GRU], ids=lambda c: c.__name__)
def test_rows_not_divisible_by_gates(cls):
    """For the RNN every row count is a valid single block, so only LSTM and GRU."""
    params = cls(3, 4).params
    params["weight_ih"] = np.zeros((GATES[cls] * 4 + 1, 3))
    with pytest.raises(ValueError, match=lit("params['weight_ih']: expected a 2-D array of "
                                             f"shape ({GATES[cls]}H, I)") + ".*"
                       + lit(f"got shape ({GATES[cls] * 4 + 1}, 3)")):
        cls.from_params(params)
