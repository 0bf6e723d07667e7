/* lstm_edu: page-level support for the book's figures that have controls.
 *
 * Page-level support for figures with controls, emitted with every such figure and run once
 * per page:
 *
 * - plotly.js rejects the promise of an animation that a newer one interrupts (Pause, or a
 *   slider click during Play) with ``undefined``, which the browser reports as an uncaught
 *   error. That is plotly working as intended, so such rejections are marked handled.
 * - plotly draws its sliders and buttons in SVG, which the keyboard cannot reach.
 *   ``lstmEduKeys(id)`` adds native twins of them (``<button>``, ``<input type="range">``)
 *   under the figure, doing exactly what the plotly control's step does; they stay visually
 *   hidden until they take focus, and the native slider follows the plotly one.
 *
 * Inlined once per figure with controls by lstm_edu.book.render.figure_html; guarded so it
 * runs once per page. */
if (!window.lstmEduKeys) {
  window.addEventListener("unhandledrejection", function (e) {
    if (e.reason === undefined) { e.preventDefault(); }
  });
  var css = document.createElement("style");
  css.textContent = ".lstm-edu-keys{position:absolute;width:1px;height:1px;overflow:hidden;"
    + "clip:rect(0,0,0,0);white-space:nowrap}"
    + ".lstm-edu-keys:focus-within{position:static;width:auto;height:auto;clip:auto;"
    + "display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.25rem 0}";
  document.head.appendChild(css);
  window.lstmEduKeys = function (id) {
    var gd = document.getElementById(id);
    if (!gd || !window.Plotly || !gd.layout) { return; }
    var run = function (item) { Plotly[item.method].apply(null, [gd].concat(item.args || [])); };
    var bar = document.createElement("div");
    bar.className = "lstm-edu-keys";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Figure controls");
    (gd.layout.updatemenus || []).forEach(function (menu) {
      (menu.buttons || []).forEach(function (item) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.textContent = item.label;
        btn.addEventListener("click", function () { run(item); });
        bar.appendChild(btn);
      });
    });
    var inputs = [];
    (gd.layout.sliders || []).forEach(function (slider, k) {
      var steps = slider.steps || [];
      var label = document.createElement("label");
      var input = document.createElement("input");
      var name = (slider.currentvalue && slider.currentvalue.prefix) || "step";
      label.textContent = name.replace(/[:=\s]+$/, "") + " ";
      input.type = "range"; input.min = 0; input.max = steps.length - 1; input.step = 1;
      var show = function (i) {
        input.value = i; input.setAttribute("aria-valuetext", steps[i].label);
      };
      show(slider.active || 0);
      input.addEventListener("input", function () {
        var i = Number(input.value), update = {};
        show(i);
        run(steps[i]);
        update["sliders[" + k + "].active"] = i;
        Plotly.relayout(gd, update);
      });
      inputs.push({show: show, steps: steps});
      label.appendChild(input);
      bar.appendChild(label);
    });
    gd.on("plotly_sliderchange", function (e) {
      var k = (gd._fullLayout.sliders || []).indexOf(e.slider);
      var i = e.slider ? e.slider.active : -1;
      if (inputs[k] && i >= 0) { inputs[k].show(i); }
    });
    gd.parentNode.insertBefore(bar, gd.nextSibling);
  };
}
