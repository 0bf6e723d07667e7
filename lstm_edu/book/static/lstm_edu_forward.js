/*
 * lstm_edu_forward.js: the JavaScript twin of lstm_edu's forward pass, for the static page.
 *
 * What it covers: the forward pass of a one-layer, unidirectional LSTM, GRU or tanh RNN, in
 * float64 (JavaScript numbers), with PyTorch's parameter layout and gate order, exactly as
 * lstm_edu.cells writes it. It does not cover backward passes, training, stacked or
 * bidirectional layers, or float32. The book still trains in Python; this file only lets a
 * page without a kernel run a trained model on the reader's own input.
 *
 *   window.lstmEdu.forward(kind, params, x, h0, c0) -> {h, c, gates}
 *
 *   kind     "lstm" | "gru" | "rnn"
 *   params   {weight_ih: (G*H, I), weight_hh: (G*H, H), bias_ih: (G*H,), bias_hh: (G*H,)},
 *            nested arrays (a matrix is an array of rows), G = 4 blocks i, f, g, o (LSTM),
 *            3 blocks r, z, n (GRU), 1 (RNN): the layout of LSTM.params / GRU.params /
 *            RNN.params and of torch.nn's *_l0 tensors
 *   x        [T][B][I]
 *   h0, c0   [B][H], or null / undefined for zeros; c0 only for the LSTM
 *
 *   returns  h: [T][B][H];  c: [T][B][H] (LSTM only);
 *            gates: LSTM {i, f, g, o}, GRU {r, z, n}, post-activation, each [T][B][H];
 *                   RNN {a}, the pre-activations (as lstm_edu's RNN trace)
 *
 * Equations (per step; a_* are pre-activations W_i* x + b_i* + W_h* h_prev + b_h*):
 *
 *   LSTM  i = sigmoid(a_i)  f = sigmoid(a_f)  g = tanh(a_g)  o = sigmoid(a_o)
 *         c = f * c_prev + i * g              h = o * tanh(c)
 *   GRU   r = sigmoid(a_r)  z = sigmoid(a_z)
 *         n = tanh(W_in x + b_in + r * (W_hn h_prev + b_hn))   (reset after the matmul)
 *         h = (1 - z) * n + z * h_prev
 *   RNN   h = tanh(a)
 *
 * sigmoid(z) = 0.5 * (1 + tanh(z / 2)), as lstm_edu.activations: never exp of a large number.
 *
 * A sequence can be continued: forward(kind, params, x2, h[T-1], c[T-1]) after forward(kind,
 * params, x1) gives exactly what one call on x1 followed by x2 gives for its last steps, so a
 * page can answer a keystroke with one step instead of the whole text.
 *
 * Bad input throws an Error naming the argument, what was expected and what was given, e.g.
 * "lstmEdu.forward: x[3][0]: expected an array of I=2 numbers, got an array of length 3".
 *
 * No dependencies, no network. Loaded by a <script> tag it adds `forward` to window.lstmEdu
 * (keeping anything else already there); required as a CommonJS module it exports {forward}.
 */
(function () {
  "use strict";

  var GATES = { lstm: ["i", "f", "g", "o"], gru: ["r", "z", "n"], rnn: ["a"] };
  var KEYS = ["weight_ih", "weight_hh", "bias_ih", "bias_hh"];

  // ------------------------------------------------------------------------- activations
  function sigmoid(z) {
    return 0.5 * (1 + Math.tanh(0.5 * z));
  }

  // -------------------------------------------------------------------------- validation
  function fail(message) {
    throw new Error("lstmEdu.forward: " + message);
  }

  function isArrayLike(v) {
    return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
  }

  // A short description of what was given, for error messages.
  function describe(v) {
    if (v === null) return "null";
    if (v === undefined) return "undefined";
    if (typeof v === "number") return String(v);
    if (typeof v === "string") return JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v);
    if (Array.isArray(v)) return v.length ? "an array of length " + v.length : "an empty array";
    if (isArrayLike(v)) return "a " + v.constructor.name + " of length " + v.length;
    if (typeof v === "object") return "an object";
    return "a " + typeof v + " (" + String(v) + ")";
  }

  // v must be an array of n finite numbers; copied into out at offset.
  function readVector(v, n, name, what, out, offset) {
    if (!isArrayLike(v) || v.length !== n) {
      fail(name + ": expected " + what + ", got " + describe(v));
    }
    for (var k = 0; k < n; k++) {
      var e = v[k];
      if (typeof e !== "number" || !isFinite(e)) {
        fail(name + "[" + k + "]: expected a finite number, got " + describe(e));
      }
      out[offset + k] = e;
    }
  }

  // A (rows, cols) matrix as an array of rows, into a flat row-major Float64Array.
  function readMatrix(m, rows, cols, name, shape) {
    if (!isArrayLike(m) || m.length !== rows) {
      fail(name + ": expected an array of " + rows + " rows, shape " + shape + ", got " +
           describe(m));
    }
    var flat = new Float64Array(rows * cols);
    for (var r = 0; r < rows; r++) {
      readVector(m[r], cols, name + "[" + r + "]", "an array of " + cols + " numbers (a row " +
                 "of " + shape + ")", flat, r * cols);
    }
    return flat;
  }

  // params -> {I, H, W_ih, W_hh, b_ih, b_hh} (flat Float64Arrays), every shape checked.
  function readParams(params, nGates, kind) {
    if (params === null || typeof params !== "object" || isArrayLike(params)) {
      fail("params: expected an object with the keys " + KEYS.join(", ") + ", got " +
           describe(params));
    }
    var missing = KEYS.filter(function (k) { return !(k in params); });
    var extra = Object.keys(params).filter(function (k) { return KEYS.indexOf(k) < 0; });
    if (missing.length || extra.length) {
      fail("params: expected exactly the keys " + KEYS.join(", ") + ", got missing keys [" +
           missing.join(", ") + "] and unexpected keys [" + extra.join(", ") + "]");
    }
    var G = nGates > 1 ? nGates + "H" : "H";                  // "4H", "3H" or "H"
    var w = params.weight_ih;
    if (!isArrayLike(w) || w.length === 0 || w.length % nGates !== 0) {
      fail("params.weight_ih: expected a non-empty array of rows, shape (" + G + ", I), with a " +
           "number of rows divisible by " + nGates + " for kind \"" + kind + "\", got " +
           describe(w));
    }
    if (!isArrayLike(w[0]) || w[0].length === 0) {
      fail("params.weight_ih[0]: expected a non-empty array of I numbers (a row of (" + G +
           ", I)), got " + describe(w[0]));
    }
    var H = w.length / nGates, I = w[0].length, GH = nGates * H;
    var sizes = " (I=" + I + ", H=" + H + ")";
    return {
      I: I,
      H: H,
      W_ih: readMatrix(w, GH, I, "params.weight_ih", "(" + G + ", I) = (" + GH + ", " + I + ")"),
      W_hh: readMatrix(params.weight_hh, GH, H, "params.weight_hh",
                       "(" + G + ", H) = (" + GH + ", " + H + ")" + sizes),
      b_ih: readBias(params.bias_ih, GH, "params.bias_ih", G, sizes),
      b_hh: readBias(params.bias_hh, GH, "params.bias_hh", G, sizes)
    };
  }

  function readBias(b, n, name, G, sizes) {
    var out = new Float64Array(n);
    readVector(b, n, name, "an array of " + n + " numbers, shape (" + G + ",)" + sizes, out, 0);
    return out;
  }

  // x [T][B][I] -> {T, B, x: array of T flat Float64Arrays (B*I)}
  function readSequence(x, I) {
    if (!isArrayLike(x) || x.length === 0) {
      fail("x: expected a non-empty array [T][B][I] of T >= 1 time steps, got " + describe(x));
    }
    var T = x.length;
    if (!isArrayLike(x[0]) || x[0].length === 0) {
      fail("x[0]: expected a non-empty array [B][I] of B >= 1 rows, got " + describe(x[0]));
    }
    var B = x[0].length, steps = new Array(T);
    for (var t = 0; t < T; t++) {
      if (!isArrayLike(x[t]) || x[t].length !== B) {
        fail("x[" + t + "]: expected an array of B=" + B + " rows (as x[0]), got " +
             describe(x[t]));
      }
      steps[t] = new Float64Array(B * I);
      for (var b = 0; b < B; b++) {
        readVector(x[t][b], I, "x[" + t + "][" + b + "]", "an array of I=" + I + " numbers " +
                   "(the input size of params.weight_ih)", steps[t], b * I);
      }
    }
    return { T: T, B: B, x: steps };
  }

  // h0 / c0 [B][H] or null/undefined (zeros) -> flat Float64Array (B*H)
  function readState(s, B, H, name) {
    var out = new Float64Array(B * H);
    if (s === null || s === undefined) return out;
    if (!isArrayLike(s) || s.length !== B) {
      fail(name + ": expected null or an array [B][H] of B=" + B + " rows (x's batch size), " +
           "got " + describe(s));
    }
    for (var b = 0; b < B; b++) {
      readVector(s[b], H, name + "[" + b + "]", "an array of H=" + H + " numbers", out, b * H);
    }
    return out;
  }

  // ------------------------------------------------------------------- matrix-vector work
  // out = W v + bias: W flat row-major (rows, cols), v = vec[vOff .. vOff + cols).
  // Four rows at a time: each v[k] read serves four dot products (about 1.5x faster in V8
  // than one row at a time); the rows left over when rows is not a multiple of 4, one by one.
  function affine(W, bias, vec, vOff, rows, cols, out) {
    var r = 0, k, v;
    for (; r + 4 <= rows; r += 4) {
      var w0 = r * cols, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
      var s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (k = 0; k < cols; k++) {
        v = vec[vOff + k];
        s0 += W[w0 + k] * v;
        s1 += W[w1 + k] * v;
        s2 += W[w2 + k] * v;
        s3 += W[w3 + k] * v;
      }
      out[r] = bias[r] + s0;
      out[r + 1] = bias[r + 1] + s1;
      out[r + 2] = bias[r + 2] + s2;
      out[r + 3] = bias[r + 3] + s3;
    }
    for (; r < rows; r++) {
      var s = 0;
      for (k = 0; k < cols; k++) s += W[r * cols + k] * vec[vOff + k];
      out[r] = bias[r] + s;
    }
  }

  // The same with W given transposed, WT (cols, rows), as a sum of columns that skips the
  // zeros of v: a one-hot input (a character) costs one column instead of a matrix product.
  function affineSparse(WT, bias, vec, vOff, rows, cols, out) {
    for (var r = 0; r < rows; r++) out[r] = bias[r];
    for (var k = 0; k < cols; k++) {
      var v = vec[vOff + k];
      if (v === 0) continue;
      var base = k * rows;
      for (var j = 0; j < rows; j++) out[j] += WT[base + j] * v;
    }
  }

  function transpose(W, rows, cols) {
    var WT = new Float64Array(rows * cols);
    for (var r = 0; r < rows; r++) {
      for (var k = 0; k < cols; k++) WT[k * rows + r] = W[r * cols + k];
    }
    return WT;
  }

  // --------------------------------------------------------------- one step, one sequence
  // ax = W_ih x_t + b_ih and ah = W_hh h_prev + b_hh, (G*H,) in torch's gate blocks; the
  // step writes row b (offset o = b*H) of h, c and every gate, each a flat (B*H) buffer.
  var STEPS = {
    lstm: function (ax, ah, H, o, hPrev, cPrev, h, c, gate) {
      for (var j = 0; j < H; j++) {
        var i = sigmoid(ax[j] + ah[j]);                       // input gate
        var f = sigmoid(ax[H + j] + ah[H + j]);               // forget gate
        var g = Math.tanh(ax[2 * H + j] + ah[2 * H + j]);     // candidate
        var og = sigmoid(ax[3 * H + j] + ah[3 * H + j]);      // output gate
        c[o + j] = f * cPrev[o + j] + i * g;
        h[o + j] = og * Math.tanh(c[o + j]);
        gate.i[o + j] = i; gate.f[o + j] = f; gate.g[o + j] = g; gate.o[o + j] = og;
      }
    },
    gru: function (ax, ah, H, o, hPrev, cPrev, h, c, gate) {
      for (var j = 0; j < H; j++) {
        var r = sigmoid(ax[j] + ah[j]);                       // reset gate
        var z = sigmoid(ax[H + j] + ah[H + j]);               // update gate
        var n = Math.tanh(ax[2 * H + j] + r * ah[2 * H + j]); // r scales W_hn h + b_hn
        h[o + j] = (1 - z) * n + z * hPrev[o + j];
        gate.r[o + j] = r; gate.z[o + j] = z; gate.n[o + j] = n;
      }
    },
    rnn: function (ax, ah, H, o, hPrev, cPrev, h, c, gate) {
      for (var j = 0; j < H; j++) {
        var a = ax[j] + ah[j];                                // pre-activation
        h[o + j] = Math.tanh(a);
        gate.a[o + j] = a;
      }
    }
  };

  // A fresh [B][H] array of rows (plain arrays of numbers) from a flat (B*H) buffer.
  function nested(flat, B, H) {
    var m = new Array(B);
    for (var b = 0; b < B; b++) {
      var row = new Array(H);
      for (var j = 0; j < H; j++) row[j] = flat[b * H + j];
      m[b] = row;
    }
    return m;
  }

  // --------------------------------------------------------------------------- forward
  function forward(kind, params, x, h0, c0) {
    if (typeof kind !== "string" || !Object.prototype.hasOwnProperty.call(GATES, kind)) {
      fail("kind: expected \"lstm\", \"gru\" or \"rnn\", got " + describe(kind));
    }
    var names = GATES[kind], nGates = names.length;            // G gate blocks: 4, 3 or 1
    var p = readParams(params, nGates, kind);
    var I = p.I, H = p.H, GH = nGates * H;
    var seq = readSequence(x, I), T = seq.T, B = seq.B;
    var h = readState(h0, B, H, "h0");
    var c = new Float64Array(B * H);
    if (kind === "lstm") {
      c = readState(c0, B, H, "c0");
    } else if (c0 !== null && c0 !== undefined) {
      fail("c0: expected null or undefined for kind \"" + kind + "\" (only the LSTM has a " +
           "cell state), got " + describe(c0));
    }

    var step = STEPS[kind], W_ihT = transpose(p.W_ih, GH, I);
    var ax = new Float64Array(GH), ah = new Float64Array(GH);   // input and recurrent parts
    var out = { h: new Array(T), gates: {} };
    if (kind === "lstm") out.c = new Array(T);
    var gate = {};                                              // name -> flat (B*H), step t
    names.forEach(function (n) { out.gates[n] = new Array(T); gate[n] = new Float64Array(B * H); });

    for (var t = 0; t < T; t++) {
      var hNew = new Float64Array(B * H), cNew = new Float64Array(B * H);
      for (var b = 0; b < B; b++) {
        affineSparse(W_ihT, p.b_ih, seq.x[t], b * I, GH, I, ax);   // W_ih x_t + b_ih
        affine(p.W_hh, p.b_hh, h, b * H, GH, H, ah);             // W_hh h_{t-1} + b_hh
        step(ax, ah, H, b * H, h, c, hNew, cNew, gate);
      }
      h = hNew;
      c = cNew;
      out.h[t] = nested(h, B, H);
      if (kind === "lstm") out.c[t] = nested(c, B, H);
      for (var q = 0; q < names.length; q++) out.gates[names[q]][t] = nested(gate[names[q]], B, H);
    }
    return out;
  }

  // ------------------------------------------------------------------------------ export
  var api = { forward: forward };
  if (typeof module === "object" && module && module.exports) {
    module.exports = api;
  }
  if (typeof window !== "undefined") {
    var ns = window.lstmEdu;
    if (ns === null || (typeof ns !== "object" && typeof ns !== "function")) {
      ns = window.lstmEdu = {};
    }
    ns.forward = forward;
  }
})();
