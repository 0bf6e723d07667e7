/*
 * lstm_edu_playgrounds.js: the book's live playgrounds, run in the page with no kernel.
 *
 * What it covers: the three playgrounds that lstm_edu.viz.playgrounds writes into a page
 * (<div class="lstm-edu-playground" data-playground="char|sentiment|adding">, holding the
 * controls, a status line, a plotly figure and the trained model as JSON). Each one answers
 * every keystroke: it encodes the reader's input exactly as lstm_edu.viz.playgrounds does in
 * Python, runs the trained LSTM with window.lstmEdu.forward (lstm_edu_forward.js, the twin
 * of lstm_edu's forward pass) and redraws the figure with Plotly.react.
 *
 *   char       text -> the chosen unit's c, i, f, o, h per character, top-5 next characters.
 *              Only the characters after the first one that changed are run again (from the
 *              state before it), so a keystroke at the end costs one step.
 *   sentiment  sentence -> P(positive) after each word, how much each gate moved per word.
 *   adding     two marker positions and values -> i and f per step and unit, the running
 *              prediction, the true sum.
 *
 * Bad input never throws: control characters are dropped, characters or words outside the
 * vocabulary are read as an all-zero input (the unknown symbol), long texts are cut to the
 * first max_chars / max_words, numbers out of range are clamped; the status line says which.
 * An unexpected failure is written to the status line (not the console) and the next
 * keystroke tries again.
 *
 * Needs plotly.min.js and lstm_edu_forward.js first. Loads nothing, no network. Exposes
 * window.lstmEdu.playgrounds = {mount(root), mountAll(), encodeChars, encodeWords}; each
 * mounted root gets root.lstmEduPlayground = {update(), lastMs, updates}.
 */
(function () {
  "use strict";

  var CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/g;
  var PUNCT = /^[.,!?;:"'()\[\]-]+|[.,!?;:"'()\[\]-]+$/g;
  var SHOW = 48;                          // characters shown in the char heat map (16 on a phone)
  var SHOW_WORDS = 24;                             // words shown in the sentiment chart
  var CONFIG = { displayModeBar: false, responsive: true };
  var SCALE = [[0, "#2166ac"], [0.5, "#f7f7f7"], [1, "#b2182b"]];
  var FONT = { size: 13, color: "#222" };
  var GATE_NAMES = { i: "input gate i", f: "forget gate f", g: "candidate g", o: "output gate o" };

  // ------------------------------------------------------------------------ encoding
  function indexOf(vocab, skipSpecials) {
    var index = Object.create(null);
    vocab.forEach(function (s, k) {
      if (!(skipSpecials && s.charAt(0) === "<")) index[s] = k;
    });
    return index;
  }

  function encodeChars(text, vocab, max) {
    var kept = text.replace(CONTROL, "");
    var chars = Array.from(kept), cut = Math.max(0, chars.length - max);
    chars = chars.slice(0, max);
    var index = indexOf(vocab, false), unknown = [];
    var ids = chars.map(function (ch) {
      var k = index[ch];
      if (k === undefined) { if (unknown.indexOf(ch) < 0) unknown.push(ch); return -1; }
      return k;
    });
    return { chars: chars, ids: ids, dropped: text.length - kept.length, cut: cut,
             unknown: unknown };
  }

  function encodeWords(text, vocab, max) {
    var dropped = (text.match(CONTROL) || []).length;
    var words = text.replace(CONTROL, " ").toLowerCase().split(/\s+/)
      .map(function (w) { return w.replace(PUNCT, ""); })
      .filter(function (w) { return w.length > 0; });
    var cut = Math.max(0, words.length - max), index = indexOf(vocab, true), unknown = [];
    words = words.slice(0, max);
    var ids = words.map(function (w) {
      var k = index[w];
      if (k === undefined) { if (unknown.indexOf(w) < 0) unknown.push(w); return -1; }
      return k;
    });
    return { words: words, ids: ids, dropped: dropped, cut: cut, unknown: unknown };
  }

  // ids -> x [T][1][size]: one-hot, all zeros for an unknown (-1)
  function oneHot(ids, size) {
    return ids.map(function (k) {
      var v = new Array(size).fill(0);
      if (k >= 0) v[k] = 1;
      return [v];
    });
  }

  function readout(head, h) {
    return head.weight.map(function (row, r) {
      var s = head.bias[r];
      for (var j = 0; j < h.length; j++) s += row[j] * h[j];
      return s;
    });
  }

  function softmax(z) {
    var m = Math.max.apply(null, z), e = z.map(function (v) { return Math.exp(v - m); });
    var s = e.reduce(function (a, b) { return a + b; }, 0);
    return e.map(function (v) { return v / s; });
  }

  // forward output -> one record per step (batch row 0)
  function steps(out) {
    return out.h.map(function (h, t) {
      var s = { h: h[0], c: out.c[t][0] };
      Object.keys(out.gates).forEach(function (g) { s[g] = out.gates[g][t][0]; });
      return s;
    });
  }

  function shown(ch) {
    return ch === " " ? "␣" : ch === "\n" ? "↵" : ch;
  }

  function quote(s) { return "“" + s + "”"; }

  function listOf(items, n) {
    var head = items.slice(0, n).map(function (s) { return quote(shown(s)); }).join(", ");
    return items.length > n ? head + " and " + (items.length - n) + " more" : head;
  }

  function notes(enc, what, max) {
    var out = [];
    if (enc.cut) out.push("Too long: the model reads only the first " + max + " " + what +
                          "; the last " + enc.cut + " are cut.");
    if (enc.dropped) out.push(enc.dropped + " control character" + (enc.dropped > 1 ? "s" : "") +
                              " (tab, carriage return, ...) removed.");
    if (enc.unknown.length) out.push("Not in the model's vocabulary, read as the unknown " +
                                     "symbol (an all-zero input): " + listOf(enc.unknown, 8) + ".");
    return out;
  }

  function axis(domain, extra) {
    var a = { domain: domain, automargin: false, fixedrange: true };
    Object.keys(extra || {}).forEach(function (k) { a[k] = extra[k]; });
    return a;
  }

  // ------------------------------------------------------------------ type a sentence
  function charPlayground(root, model, el) {
    var V = model.vocab.length, cache = { ids: [], steps: [] };
    var zero = new Array(model.head.weight[0].length).fill(0);

    function run(ids) {
      var k = 0;                                    // first step that differs from the cache
      while (k < ids.length && k < cache.ids.length && ids[k] === cache.ids[k]) k++;
      var kept = cache.steps.slice(0, k);
      if (k < ids.length) {
        var last = kept[k - 1];
        var out = window.lstmEdu.forward("lstm", model.core, oneHot(ids.slice(k), V),
                                         last ? [last.h] : null, last ? [last.c] : null);
        kept = kept.concat(steps(out));
      }
      cache = { ids: ids.slice(), steps: kept };
      return kept;
    }

    return function update() {
      var enc = encodeChars(el.text.value, model.vocab, model.max_chars);
      var st = run(enc.ids), unit = Number(el.unit.value);
      var show = el.plot.clientWidth && el.plot.clientWidth < 600 ? 16 : SHOW;   // phones
      var from = Math.max(0, st.length - show), rows = ["c", "i", "f", "o", "h"];
      var narrow = show === 16;                         // a phone: shorter labels and title
      var labels = narrow ? ["c cell", "i input", "f forget", "o output", "h out"] :
        ["c cell state", "i input gate", "f forget gate", "o output gate", "h output"];
      var cols = st.slice(from), xs = cols.map(function (s, t) { return from + t; });
      var ticks = enc.chars.slice(from).map(function (ch, t) {
        return enc.ids[from + t] < 0 ? "\ufffd" : shown(ch);
      });
      var z = rows.map(function (r) { return cols.map(function (s) { return s[r][unit]; }); });
      var p = softmax(readout(model.head, st.length ? st[st.length - 1].h : zero));
      var top = p.map(function (v, k) { return k; })
        .sort(function (a, b) { return p[b] - p[a] || a - b; }).slice(0, 5);
      var picked = model.units.filter(function (u) { return u.unit === unit; })[0];
      var data = [
        { type: "heatmap", z: z, x: xs, y: labels, zmin: -1, zmax: 1, colorscale: SCALE,
          colorbar: { len: 0.55, y: 1, yanchor: "top", thickness: 12 },
          hovertemplate: "character %{x}<br>%{y}: %{z:.3f}<extra></extra>" },
        { type: "bar", orientation: "h", xaxis: "x2", yaxis: "y2", marker: { color: "#4c72b0" },
          x: top.map(function (k) { return p[k]; }).reverse(),
          y: top.map(function (k) { return quote(shown(model.vocab[k])); }).reverse(),
          hovertemplate: "%{y}: %{x:.1%}<extra></extra>" }
      ];
      var layout = {
        height: narrow ? 520 : 460, margin: { l: narrow ? 80 : 110, r: 10, t: 40, b: 40 },
        font: FONT, showlegend: false,
        title: { text: "Unit " + unit + (picked && !narrow ? " (" + picked.tracks + ")" : "") +
                 ": the last " + cols.length + " characters", font: { size: narrow ? 13 : 15 },
                 x: 0, xref: "paper", xanchor: "left" },
        xaxis: axis([0, 1], { tickvals: xs, ticktext: ticks, tickangle: 0,
                              tickfont: { size: 11 } }),
        yaxis: axis([0.42, 1], { autorange: "reversed" }),
        xaxis2: axis([0.25, 1], { anchor: "y2", range: [0, 1], tickformat: ".0%",
                                  title: { text: "probability of the next character" } }),
        yaxis2: axis([0, 0.26], { anchor: "x2", tickfont: { size: 13 } })
      };
      var msgs = notes(enc, "characters", model.max_chars);
      if (!enc.chars.length) msgs.unshift("The text is empty: type something. Shown: what " +
                                          "the model expects first.");
      el.status.textContent = msgs.length ? msgs.join(" ") :
        "The model read " + enc.chars.length + " characters.";
      el.readout.textContent = "Most likely next characters: " + top.map(function (k) {
        return quote(shown(model.vocab[k])) + " " + (100 * p[k]).toFixed(0) + "%";
      }).join(", ") + ".";
      return window.Plotly.react(el.plot, data, layout, CONFIG);
    };
  }

  // ------------------------------------------------------------ sentiment as you type
  function sentimentPlayground(root, model, el) {
    var V = model.vocab.length, names = ["i", "f", "g", "o"];
    var blank = steps(window.lstmEdu.forward("lstm", model.core, [[new Array(V).fill(0)]]))[0];

    function moved(a, b, g) {
      var s = 0;
      for (var j = 0; j < a[g].length; j++) s += Math.abs(a[g][j] - b[g][j]);
      return s / a[g].length;
    }

    return function update() {
      var enc = encodeWords(el.text.value, model.vocab, model.max_words);
      var st = enc.ids.length ? steps(window.lstmEdu.forward("lstm", model.core,
                                                             oneHot(enc.ids, V))) : [];
      var score = st.map(function (s) { return softmax(readout(model.head, s.h))[1]; });
      var move = names.map(function (g) {
        return st.map(function (s, t) { return moved(s, t ? st[t - 1] : blank, g); });
      });
      var nw = el.plot.clientWidth && el.plot.clientWidth < 600 ? 8 : SHOW_WORDS;
      var from = Math.max(0, st.length - nw), xs = [], ticks = [];
      for (var k = from; k < st.length; k++) {
        xs.push(k);
        ticks.push(enc.ids[k] < 0 ? enc.words[k] + " (?)" : enc.words[k]);
      }
      var range = [from - 0.5, Math.max(from + 3, st.length) - 0.5];
      var data = [
        { type: "scatter", mode: "lines+markers", x: xs, y: score.slice(from),
          name: "P(positive)",
          line: { color: "#b2182b", width: 3 },
          hovertemplate: "after %{text}: P(positive) = %{y:.2f}<extra></extra>", text: ticks },
        { type: "heatmap", xaxis: "x2", yaxis: "y2", x: xs, zmin: 0, zmax: 0.5,
          z: move.map(function (row) { return row.slice(from); }),
          y: names.map(function (g) { return GATE_NAMES[g]; }),
          colorscale: [[0, "#f7f7f7"], [1, "#2166ac"]],
          colorbar: { len: 0.4, y: 0, yanchor: "bottom", thickness: 12 },
          hovertemplate: "%{y} moved by %{z:.3f} (mean over units)<extra></extra>" }
      ];
      var layout = {
        height: 460, margin: { l: 110, r: 10, t: 40, b: 70 }, font: FONT, showlegend: false,
        title: { text: "Sentiment after each word, and how much each gate moved",
                 font: { size: 15 } },
        xaxis: axis([0, 1], { tickvals: xs, ticktext: ticks, anchor: "y", range: range,
                              automargin: false, tickangle: -30 }),
        yaxis: axis([0.6, 1], { range: [-0.02, 1.02], title: { text: "P(positive)" } }),
        xaxis2: axis([0, 1], { tickvals: xs, ticktext: ticks, anchor: "y2", range: range,
                               automargin: false, tickangle: -30 }),
        yaxis2: axis([0, 0.4], { anchor: "x2", autorange: "reversed" }),
        shapes: [{ type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: 0.5, y1: 0.5,
                   line: { dash: "dot", color: "#555", width: 1 } }]
      };
      var msgs = notes(enc, "words", model.max_words);
      if (!enc.words.length) msgs.unshift("The sentence is empty: type a few words.");
      el.status.textContent = msgs.length ? msgs.join(" ") :
        "The model read " + enc.words.length + " words.";
      var t = st.length - 1;
      el.readout.textContent = t < 0 ? "" :
        "After " + quote(enc.words[t]) + ": P(positive) = " + score[t].toFixed(2) + " (" +
        (score[t] >= 0.5 ? "positive" : "negative") + "); the gate that moved most at this " +
        "word: " + GATE_NAMES[names.reduce(function (a, g, k) {
          return move[k][t] > move[names.indexOf(a)][t] ? g : a;
        }, "i")] + ".";
      return window.Plotly.react(el.plot, data, layout, CONFIG);
    };
  }

  // ------------------------------------------------------------- the adding problem
  function number(input, lo, hi, integer, fallback, label, msgs) {
    var raw = input.value, v = Number(raw);
    if (raw.trim() === "" || !isFinite(v)) {
      msgs.push(label + ": not a number" + (raw ? " (" + quote(raw) + ")" : "") + "; using " +
                fallback + ".");
      return fallback;
    }
    var w = Math.min(hi, Math.max(lo, integer ? Math.round(v) : v));
    if (w !== v) msgs.push(label + ": " + raw + " is outside " + lo + " to " + hi +
                           (integer ? " or not a whole number" : "") + "; using " + w + ".");
    return w;
  }

  function addingPlayground(root, model, el) {
    var T = model.T, half = Math.floor(T / 2), last = { pos1: 5, val1: 0.3, pos2: 38, val2: 0.9 };

    return function update() {
      var msgs = [], v = {};
      v.pos1 = number(el.pos1, 1, half, true, last.pos1, "First position", msgs);
      v.val1 = number(el.val1, 0, 1, false, last.val1, "First value", msgs);
      v.pos2 = number(el.pos2, half + 1, T, true, last.pos2, "Second position", msgs);
      v.val2 = number(el.val2, 0, 1, false, last.val2, "Second value", msgs);
      last = v;
      var x = model.noise.map(function (n) { return [[n, 0]]; });
      x[v.pos1 - 1] = [[v.val1, 1]];
      x[v.pos2 - 1] = [[v.val2, 1]];
      var st = steps(window.lstmEdu.forward("lstm", model.core, x));
      var pred = st.map(function (s) { return readout(model.head, s.h)[0]; });
      var sum = v.val1 + v.val2, xs = st.map(function (s, t) { return t + 1; });
      var units = model.core.weight_hh[0].map(function (w, j) { return "unit " + j; });
      function gate(g) {
        return units.map(function (u, j) { return st.map(function (s) { return s[g][j]; }); });
      }
      var heat = { type: "heatmap", x: xs, y: units, zmin: 0, zmax: 1, showscale: false,
                   colorscale: [[0, "#f7f7f7"], [1, "#2166ac"]] };
      var data = [
        Object.assign({ z: gate("i"), hovertemplate: "step %{x}, %{y}: i = %{z:.2f}" +
                        "<extra></extra>" }, heat),
        Object.assign({ z: gate("f"), xaxis: "x2", yaxis: "y2", showscale: true,
                        colorbar: { len: 0.6, y: 1, yanchor: "top", thickness: 12 },
                        hovertemplate: "step %{x}, %{y}: f = %{z:.2f}<extra></extra>" }, heat),
        { type: "scatter", mode: "lines", x: xs, y: pred, xaxis: "x3", yaxis: "y3",
          line: { color: "#b2182b", width: 3 }, name: "running prediction",
          hovertemplate: "after step %{x}: %{y:.3f}<extra></extra>" }
      ];
      var marks = [v.pos1, v.pos2].map(function (p) {
        return { type: "line", xref: "x3", x0: p, x1: p, yref: "paper", y0: 0, y1: 1,
                 line: { color: "#555", dash: "dot", width: 1 } };
      });
      marks.push({ type: "line", xref: "x3", x0: 1, x1: T, yref: "y3", y0: sum, y1: sum,
                   line: { color: "#222", dash: "dash", width: 2 } });
      var layout = {
        height: 520, margin: { l: 110, r: 10, t: 40, b: 40 }, font: FONT, showlegend: false,
        title: { text: "Prediction " + pred[T - 1].toFixed(3) + ", true sum " + sum.toFixed(3),
                 font: { size: 15 } },
        xaxis: axis([0, 1], { anchor: "y", showticklabels: false, matches: "x3" }),
        yaxis: axis([0.7, 1], { title: { text: "input gate i" }, showticklabels: false }),
        xaxis2: axis([0, 1], { anchor: "y2", showticklabels: false, matches: "x3" }),
        yaxis2: axis([0.36, 0.66], { title: { text: "forget gate f" }, showticklabels: false }),
        xaxis3: axis([0, 1], { anchor: "y3", title: { text: "step" }, range: [0.5, T + 0.5] }),
        yaxis3: axis([0, 0.3], { title: { text: "prediction" } }),
        shapes: marks
      };
      el.status.textContent = msgs.length ? msgs.join(" ") :
        "Markers at steps " + v.pos1 + " and " + v.pos2 + " of " + T + ".";
      el.readout.textContent = "The LSTM predicts " + pred[T - 1].toFixed(3) + "; the true sum " +
        "is " + v.val1 + " + " + v.val2 + " = " + sum.toFixed(3) + ".";
      return window.Plotly.react(el.plot, data, layout, CONFIG);
    };
  }

  // ---------------------------------------------------------------------- mounting
  var KINDS = { char: charPlayground, sentiment: sentimentPlayground, adding: addingPlayground };
  var FIELDS = { char: ["text", "unit"], sentiment: ["text"],
                 adding: ["pos1", "val1", "pos2", "val2"] };

  function mount(root) {
    if (!root || root.lstmEduPlayground) return root && root.lstmEduPlayground;
    var kind = root.getAttribute("data-playground"), id = root.id, el = {};
    var status = document.getElementById(id + "-status");
    if (!window.Plotly || !window.lstmEdu || !window.lstmEdu.forward || !KINDS[kind]) {
      if (status) status.textContent = "This playground needs the book's scripts " +
        "(plotly.min.js, lstm_edu_forward.js), which this page did not load.";
      return null;
    }
    ["status", "readout", "plot"].concat(FIELDS[kind]).forEach(function (f) {
      el[f] = document.getElementById(id + "-" + f);
    });
    var model = JSON.parse(root.querySelector("script.lstm-edu-play-model").textContent);
    var state = { lastMs: null, updates: 0, update: null };
    var draw = KINDS[kind](root, model, el);
    state.update = function () {
      var t0 = performance.now();
      try {
        draw();
        root.classList.remove("lstm-edu-play-failed");
      } catch (err) {
        root.classList.add("lstm-edu-play-failed");
        el.status.textContent = "The playground could not read this input (" + err.message +
          "); change it and it tries again.";
      }
      state.lastMs = performance.now() - t0;
      state.updates += 1;
    };
    root.lstmEduPlayground = state;
    FIELDS[kind].forEach(function (f) {
      el[f].addEventListener(el[f].tagName === "SELECT" ? "change" : "input", state.update);
    });
    state.update();
    return state;
  }

  function mountAll() {
    Array.prototype.forEach.call(document.querySelectorAll("div.lstm-edu-playground"), mount);
  }

  var ns = window.lstmEdu;
  if (ns === null || (typeof ns !== "object" && typeof ns !== "function")) {
    ns = window.lstmEdu = {};
  }
  ns.playgrounds = { mount: mount, mountAll: mountAll, encodeChars: encodeChars,
                     encodeWords: encodeWords };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mountAll);
  } else {
    mountAll();
  }
})();
