"""The JavaScript twin of the forward pass (``lstm_edu/book/static/lstm_edu_forward.js``), run in
headless Chromium, offline, against ``lstm_edu``.

- parity: ``window.lstmEdu.forward`` equals ``LSTM`` / ``GRU`` / ``RNN.from_params(...).forward``
  (float64) to <= 1e-12 (relative where |value| > 1) in h, c and every gate, for many random
  configurations: T = 1, H = 1, I = 1, B = 1 and 3, T = 300, given and default (null and
  omitted) initial states, random sizes, and large pre-activations (hundreds, and ~1e4 where
  the gates saturate to exactly 0 and 1);
- the equations themselves: one step with I = H = 1 computed here with ``math`` (textbook
  sigmoid 1 / (1 + e^-a)), independent of both implementations, pins the gate order and the
  GRU's reset-after-matmul;
- the contract's shape: the keys of the result and of ``gates``, nested arrays of numbers;
- bad input throws an Error whose message names the argument, what was expected and what was
  given;
- continuing a sequence from its last state gives exactly the one-call result (a playground
  answers a keystroke with one step);
- loading it keeps other members of an existing ``window.lstmEdu``; it also works as a
  CommonJS module;
- no request leaves the page and the console stays clean.

Fixture ``offline_page``: conftest.py (every non-file request is aborted and recorded).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from lstm_edu.gru import GRU
from lstm_edu.lstm import LSTM
from lstm_edu.rnn import RNN

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
JS_PATH = ROOT / "lstm_edu" / "book" / "static" / "lstm_edu_forward.js"
MODELS = {"lstm": LSTM, "gru": GRU, "rnn": RNN}
TOL = 1e-12
BLANK = "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>twin</title></head>" \
        "<body></body></html>"

# Run many cases in one round trip; a case is [kind, params, x, h0, c0, omit_states]. Both ways
# as JSON text (exact for float64: shortest round-trip digits), much faster than Playwright's
# value-by-value serialization of nested lists.
RUN_CASES = """(text) => JSON.stringify(JSON.parse(text).map(([kind, params, x, h0, c0, omit]) =>
  omit ? window.lstmEdu.forward(kind, params, x)
       : window.lstmEdu.forward(kind, params, x, h0, c0)))"""
# The message of the Error a call throws, or null when it returns.
ERROR_OF = """(args) => {
  try { window.lstmEdu.forward(...args); return null; }
  catch (e) { return (e instanceof Error ? 'Error: ' : 'not an Error: ') + e.message; }
}"""


@pytest.fixture
def twin_page(offline_page):
    """A blank page with the twin loaded from the file's content (no request involved)."""
    offline_page.set_content(BLANK)
    offline_page.add_script_tag(content=JS_PATH.read_text("utf-8"))
    return offline_page


# ------------------------------------------------------------------------------- the cases
def make_case(kind, T, B, I, H, seed, w_scale=None, x_scale=1.0, states="given",
              s_scale=1.0):
    """Parameters (torch-like init, or uniform(-w_scale, w_scale)), x (T, B, I) ~ N(0, x_scale),
    and initial states: "given" (N(0, s_scale)), "null" or "omitted"."""
    rng = np.random.default_rng(seed)
    params = MODELS[kind](I, H, seed=seed).params
    if w_scale is not None:
        params = {k: rng.uniform(-w_scale, w_scale, size=v.shape) for k, v in params.items()}
    x = rng.normal(scale=x_scale, size=(T, B, I))
    h0 = rng.normal(scale=s_scale, size=(B, H)) if states == "given" else None
    c0 = rng.normal(scale=s_scale, size=(B, H)) if states == "given" and kind == "lstm" else None
    return dict(kind=kind, params=params, x=x, h0=h0, c0=c0, omit=states == "omitted")


def cases_for(kind):
    fixed = [  # (T, B, I, H, options)
        (1, 1, 1, 1, {}),
        (1, 1, 1, 1, {"states": "omitted"}),
        (1, 3, 2, 4, {"states": "null"}),
        (20, 1, 4, 1, {}),                                   # H = 1
        (20, 2, 1, 6, {}),                                   # I = 1
        (10, 3, 4, 5, {"states": "null"}),                   # B = 3, default states
        (10, 3, 4, 5, {"s_scale": 3.0}),                     # B = 3, given states
        (300, 2, 3, 8, {}),                                  # long T, given states
        (300, 1, 2, 4, {"states": "omitted"}),               # long T, default states
        (30, 3, 4, 5, {"w_scale": 20.0, "x_scale": 10.0, "s_scale": 5.0}),   # |a| ~ hundreds
        (5, 2, 3, 4, {"w_scale": 1e3, "x_scale": 10.0, "s_scale": 20.0}),    # |a| ~ 1e4
    ]
    out = [make_case(kind, *sizes, seed=k, **opt) for k, (*sizes, opt) in enumerate(fixed)]
    rng = np.random.default_rng(1234)
    for k in range(12):                                      # random sizes, scales and states
        T, B, I, H = (int(rng.integers(1, 41)), int(rng.integers(1, 5)),
                      int(rng.integers(1, 8)), int(rng.integers(1, 10)))
        out.append(make_case(kind, T, B, I, H, seed=100 + k,
                             w_scale=[None, 0.1, 1.0, 3.0][k % 4],
                             x_scale=float(rng.choice([0.5, 1.0, 4.0])),
                             states=["given", "null", "omitted"][k % 3]))
    return out


def reference(case):
    """lstm_edu's forward pass: {"h", "c" (LSTM only), "gates"} as numpy arrays."""
    model = MODELS[case["kind"]].from_params(case["params"])
    if case["kind"] == "lstm":
        tr = model.forward(case["x"], h0=case["h0"], c0=case["c0"])
        return {"h": tr.h, "c": tr.c, "gates": tr.gates}
    tr = model.forward(case["x"], h0=case["h0"])
    return {"h": tr.h, "gates": tr.gates}


def as_js_args(case):
    def listed(a):
        return None if a is None else a.tolist()
    return [case["kind"], {k: v.tolist() for k, v in case["params"].items()}, case["x"].tolist(),
            listed(case["h0"]), listed(case["c0"]), case["omit"]]


def run_cases(page, cases):
    """The twin's results for a list of ``as_js_args`` lists (finite numbers only)."""
    return json.loads(page.evaluate(RUN_CASES, json.dumps(cases, allow_nan=False)))


def rel_err(got, want):
    """max |got - want| / max(1, |want|), after checking the shape."""
    got = np.asarray(got, dtype=np.float64)
    assert got.shape == want.shape, f"shape {got.shape}, expected {want.shape}"
    return float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))))


# ------------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_twin_equals_lstm_edu(twin_page, kind, record_testsuite_property):
    cases = cases_for(kind)
    results = run_cases(twin_page, [as_js_args(c) for c in cases])
    worst = 0.0
    for case, got in zip(cases, results, strict=True):
        want = reference(case)
        T, B, I = case["x"].shape
        where = f"{kind} T={T} B={B} I={I} H={want['h'].shape[2]}"
        assert set(got) == set(want), f"{where}: result keys {sorted(got)}"
        assert set(got["gates"]) == set(want["gates"]), f"{where}: gates {sorted(got['gates'])}"
        errors = {"h": rel_err(got["h"], want["h"])}
        if "c" in want:
            errors["c"] = rel_err(got["c"], want["c"])
        errors.update({g: rel_err(got["gates"][g], v) for g, v in want["gates"].items()})
        assert max(errors.values()) <= TOL, f"{where}: errors {errors}"
        worst = max(worst, *errors.values())
    record_testsuite_property(f"worst_error_{kind}", worst)


def test_large_cases_really_have_large_pre_activations():
    """The two large cases reach what they claim: |W_ih x| in the hundreds and above 5e3."""
    cases = cases_for("lstm")
    for k, floor in [(9, 100.0), (10, 5e3)]:
        assert np.abs(cases[k]["x"] @ cases[k]["params"]["weight_ih"].T).max() > floor


def test_saturated_gates_are_exactly_zero_or_one(twin_page):
    """Pre-activations of +-1e4: sigmoid gives exactly 1 and 0 (no exp overflow to NaN)."""
    big = 1e4
    params = {"weight_ih": [[big], [-big], [big], [big]], "weight_hh": [[0.0]] * 4,
              "bias_ih": [0.0] * 4, "bias_hh": [0.0] * 4}
    out = run_cases(twin_page, [["lstm", params, [[[1.0]]], [[0.0]], [[0.5]], False]])[0]
    g = {k: v[0][0][0] for k, v in out["gates"].items()}
    assert (g["i"], g["f"], g["g"], g["o"]) == (1.0, 0.0, 1.0, 1.0)
    assert out["c"][0][0][0] == 1.0                     # 0 * 0.5 + 1 * 1
    assert out["h"][0][0][0] == pytest.approx(math.tanh(1.0), rel=1e-15)


def sigmoid(a):
    return 1.0 / (1.0 + math.exp(-a))


def hand_step(kind, w_ih, w_hh, b_ih, b_hh, x, h, c):
    """One step with I = H = 1, written from the equations (torch.nn's docs), with ``math``."""
    a = [w_ih[k] * x + b_ih[k] + w_hh[k] * h + b_hh[k] for k in range(len(w_ih))]
    if kind == "lstm":
        i, f, g, o = sigmoid(a[0]), sigmoid(a[1]), math.tanh(a[2]), sigmoid(a[3])
        c_new = f * c + i * g
        return {"h": o * math.tanh(c_new), "c": c_new, "i": i, "f": f, "g": g, "o": o}
    if kind == "gru":
        r, z = sigmoid(a[0]), sigmoid(a[1])
        n = math.tanh(w_ih[2] * x + b_ih[2] + r * (w_hh[2] * h + b_hh[2]))
        return {"h": (1 - z) * n + z * h, "r": r, "z": z, "n": n}
    return {"h": math.tanh(a[0]), "a": a[0]}


@pytest.mark.parametrize("kind", ["lstm", "gru", "rnn"])
def test_one_step_by_hand(twin_page, kind):
    G = {"lstm": 4, "gru": 3, "rnn": 1}[kind]
    w_ih, w_hh = [0.7, -1.3, 2.1, 0.4][:G], [-0.9, 0.6, 1.7, -2.2][:G]
    b_ih, b_hh = [0.1, -0.2, 0.3, 0.5][:G], [0.25, 0.15, -0.45, 0.05][:G]
    x, h, c = 0.8, -0.6, 1.9
    params = {"weight_ih": [[w] for w in w_ih], "weight_hh": [[w] for w in w_hh],
              "bias_ih": b_ih, "bias_hh": b_hh}
    c0 = [[c]] if kind == "lstm" else None
    out = run_cases(twin_page, [[kind, params, [[[x]]], [[h]], c0, False]])[0]
    want = hand_step(kind, w_ih, w_hh, b_ih, b_hh, x, h, c)
    got = {"h": out["h"][0][0][0], **{k: v[0][0][0] for k, v in out["gates"].items()}}
    if kind == "lstm":
        got["c"] = out["c"][0][0][0]
    assert got.keys() == want.keys()
    for key, value in want.items():
        assert got[key] == pytest.approx(value, abs=1e-15, rel=1e-14), key


# ------------------------------------------------------------------------------- bad input
ARG_NAMES = ["kind", "params", "x", "h0", "c0"]


def good_args(kind="lstm", T=2, B=2, I=3, H=2):
    case = make_case(kind, T, B, I, H, seed=0)
    return as_js_args(case)[:5]


def replaced(args, **changes):
    """``args`` ([kind, params, x, h0, c0]) with some replaced; other names edit params."""
    out = [args[0], dict(args[1]), *args[2:]]
    for name, value in changes.items():
        if name in ARG_NAMES:
            out[ARG_NAMES.index(name)] = value
        else:
            out[1][name] = value
    return out


def without(args, key):
    out = replaced(args)
    del out[1][key]
    return out


A = good_args()                     # LSTM: T=2, B=2, I=3, H=2 -> weight_ih (8, 3)
W = A[1]["weight_ih"]
NAN = float("nan")
BAD = {
    # id: (args, words the message must contain)
    "kind unknown": (replaced(A, kind="LSTM"), ["kind", '"lstm"', 'got "LSTM"']),
    "kind not a string": (replaced(A, kind=3), ["kind", "expected", "got 3"]),
    "params null": (replaced(A, params=None), ["params", "expected an object", "got null"]),
    "params array": (replaced(A, params=[1, 2]), ["params", "expected an object",
                                                  "array of length 2"]),
    "missing key": (without(A, "bias_hh"), ["params", "missing keys [bias_hh]"]),
    "extra key": (replaced(A, weight_hr=[[0.0]]), ["params", "unexpected keys [weight_hr]"]),
    "rows not 4H": (replaced(A, weight_ih=W[:7]), ["params.weight_ih", "(4H, I)",
                                                   "divisible by 4", "array of length 7"]),
    "weight_ih not an array": (replaced(A, weight_ih="W"), ["params.weight_ih", 'got "W"']),
    "ragged weight_ih": (replaced(A, weight_ih=W[:5] + [W[5][:2]] + W[6:]),
                         ["params.weight_ih[5]", "3 numbers", "array of length 2"]),
    "weight_hh shape": (replaced(A, weight_hh=[[0.0] * 3] * 8),
                        ["params.weight_hh[0]", "2 numbers", "(4H, H) = (8, 2)",
                         "array of length 3"]),
    "weight_hh rows": (replaced(A, weight_hh=[[0.0] * 2] * 6),
                       ["params.weight_hh", "8 rows", "array of length 6"]),
    "bias length": (replaced(A, bias_ih=[0.0] * 7), ["params.bias_ih", "8 numbers",
                                                     "array of length 7"]),
    "NaN weight": (replaced(A, weight_hh=[[0.0, NAN]] + [[0.0] * 2] * 7),
                   ["params.weight_hh[0][1]", "finite number", "got NaN"]),
    "inf bias": (replaced(A, bias_hh=[0.0] * 7 + [float("-inf")]),
                 ["params.bias_hh[7]", "finite number", "got -Infinity"]),
    "string in x": (replaced(A, x=[[[0.0, "1", 0.0]] * 2] * 2),
                    ["x[0][0][1]", "finite number", 'got "1"']),
    "bool in x": (replaced(A, x=[[[0.0, True, 0.0]] * 2] * 2),
                  ["x[0][0][1]", "finite number", "got a boolean"]),
    "x empty": (replaced(A, x=[]), ["x:", "T >= 1", "empty array"]),
    "x 2-D": (replaced(A, x=[[0.1, 0.2, 0.3]]), ["x[0][0]", "I=3 numbers", "got 0.1"]),
    "x wrong I": (replaced(A, x=[[[0.0] * 4] * 2] * 2), ["x[0][0]", "I=3", "array of length 4"]),
    "x ragged B": (replaced(A, x=[[[0.0] * 3] * 2, [[0.0] * 3]]),
                   ["x[1]", "B=2", "array of length 1"]),
    "x NaN": (replaced(A, x=[[[0.0] * 3] * 2, [[0.0] * 3, [0.0, 0.0, NAN]]]),
              ["x[1][1][2]", "finite number", "got NaN"]),
    "x inf": (replaced(A, x=[[[float("inf")] * 3] * 2] * 2), ["x[0][0][0]", "got Infinity"]),
    "h0 batch": (replaced(A, h0=[[0.0, 0.0]]), ["h0", "B=2", "array of length 1"]),
    "h0 width": (replaced(A, h0=[[0.0] * 3] * 2), ["h0[0]", "H=2", "array of length 3"]),
    "h0 a number": (replaced(A, h0=0.0), ["h0", "expected null or an array", "got 0"]),
    "c0 NaN": (replaced(A, c0=[[0.0, 0.0], [NAN, 0.0]]), ["c0[1][0]", "got NaN"]),
    "c0 for a GRU": (replaced(good_args("gru"), c0=[[0.0] * 2] * 2),
                     ["c0", "only the LSTM", "kind \"gru\"", "array of length 2"]),
    "GRU rows not 3H": (replaced(good_args("gru"), weight_ih=W),
                        ["params.weight_ih", "(3H, I)", "divisible by 3", "array of length 8"]),
}


def test_bad_input_throws_naming_the_argument(twin_page):
    ids = list(BAD)
    messages = [twin_page.evaluate(ERROR_OF, BAD[k][0]) for k in ids]
    for k, message in zip(ids, messages, strict=True):
        assert message is not None, f"{k}: no error thrown"
        assert message.startswith("Error: lstmEdu.forward: "), f"{k}: {message}"
        assert "expected" in message, f"{k}: {message}"
        for word in BAD[k][1]:
            assert word in message, f"{k}: {word!r} not in {message!r}"
    # the same good arguments, unchanged, run
    assert twin_page.evaluate(ERROR_OF, A) is None
    assert twin_page.console_errors == [], twin_page.console_errors


# ----------------------------------------------------------------------- loading, offline
def test_keeps_other_members_of_window_lstmEdu(offline_page):
    page = offline_page
    page.set_content(BLANK)
    page.evaluate("() => { window.lstmEdu = {keys: 'kept', version: 7}; }")
    page.add_script_tag(content=JS_PATH.read_text("utf-8"))
    assert page.evaluate("() => [window.lstmEdu.keys, window.lstmEdu.version,"
                         " typeof window.lstmEdu.forward]") == ["kept", 7, "function"]


def test_works_as_a_commonjs_module(offline_page):
    """Evaluated with a ``module`` and no ``window``: exports {forward}, attaches nothing."""
    page = offline_page
    page.set_content(BLANK)
    one_step = good_args("rnn", T=1, B=1, I=1, H=1)
    got = page.evaluate("""([src, args]) => {
      const module = {exports: {}};
      new Function('module', 'exports', 'window', src)(module, module.exports, undefined);
      return [Object.keys(module.exports), module.exports.forward(...args).h,
              typeof window.lstmEdu];
    }""", [JS_PATH.read_text("utf-8"), one_step])
    case = make_case("rnn", 1, 1, 1, 1, seed=0)
    assert got[0] == ["forward"]
    assert rel_err(got[1], reference(case)["h"]) <= TOL
    assert got[2] == "undefined"


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_continuing_from_the_last_state_equals_one_run(twin_page, kind):
    """What a playground does per keystroke: run the new steps from the last h (and c)."""
    got = twin_page.evaluate("""([kind, params, x, k]) => {
      const f = window.lstmEdu.forward, whole = f(kind, params, x), head = f(kind, params,
        x.slice(0, k)), last = k - 1;
      const tail = f(kind, params, x.slice(k), head.h[last], head.c ? head.c[last] : null);
      return [whole, head, tail];
    }""", [kind, *as_js_args(make_case(kind, 12, 2, 3, 4, seed=5))[1:3], 7])
    whole, head, tail = got
    for key in ["h", "c"] if kind == "lstm" else ["h"]:
        assert head[key] + tail[key] == whole[key]
    for g in whole["gates"]:
        assert head["gates"][g] + tail["gates"][g] == whole["gates"][g]


def test_no_request_leaves_the_machine(twin_page):
    src = JS_PATH.read_text("utf-8")
    assert not re.search(r"fetch\(|XMLHttpRequest|import\(|importScripts|WebSocket|https?://",
                         src), "the twin must not load anything"
    run_cases(twin_page, [as_js_args(make_case("lstm", 50, 2, 3, 4, seed=3))])
    assert twin_page.evaluate("() => performance.getEntriesByType('resource').length") == 0
    assert twin_page.blocked_requests == [], twin_page.blocked_requests
    assert twin_page.console_errors == [], twin_page.console_errors
