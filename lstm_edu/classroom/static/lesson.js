/* lstm_edu classroom export: lesson mode (no network, works from file://).
 *
 * - Keys: → or PageDown next demo, ← or PageUp previous (a presenter's clicker sends these);
 *   F full screen on/off (the Fullscreen API), Q shows or hides the demo's question, P prints
 *   the handout, Esc hides the question. Keys typed into a control (a slider, a text box) are
 *   left to that control, and so are keys with Ctrl, Alt or Meta.
 * - Buttons with data-action="fullscreen" | "question" | "print" do the same.
 * - Printing (P, the Print button or the browser's own Print): before the page is printed
 *   every plotly figure is laid out at a fixed size that the print stylesheet scales onto one
 *   landscape page, the frame shown (each slider's current step) is written under it; after
 *   printing the figure fills the screen again.
 * The page's links carry rel="prev" / rel="next"; nothing here knows the list of demos. */
(function () {
  "use strict";
  var PRINT_SIZE = { width: 1240, height: 600 };

  function plots() {
    return Array.prototype.slice.call(document.querySelectorAll(".js-plotly-plot"));
  }

  function go(rel) {
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) { window.location.href = link.href; }
  }

  function typingInto(target) {
    if (!target || target === document.body) { return false; }
    var tag = target.tagName;
    return target.isContentEditable || tag === "INPUT" || tag === "TEXTAREA"
      || tag === "SELECT" || target.getAttribute("role") === "slider";
  }

  function setPressed(action, on) {
    var btn = document.querySelector('[data-action="' + action + '"]');
    if (!btn) { return; }
    btn.setAttribute(action === "question" ? "aria-expanded" : "aria-pressed", String(on));
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  }

  function toggleQuestion(show) {
    var box = document.getElementById("lesson-question");
    if (!box) { return; }
    box.hidden = show === undefined ? !box.hidden : !show;
    setPressed("question", !box.hidden);
  }

  function frameNote() {
    var parts = [];
    plots().forEach(function (gd) {
      ((gd.layout && gd.layout.sliders) || []).forEach(function (s) {
        var step = (s.steps || [])[s.active || 0];
        if (step) {
          var prefix = (s.currentvalue && s.currentvalue.prefix) || "";
          parts.push(prefix.replace(/<[^>]+>/g, "") + step.label);
        }
      });
    });
    var note = document.querySelector(".lesson-frame");
    if (note) { note.textContent = parts.length ? "Shown: " + parts.join("; ") + "." : ""; }
  }

  var printing = false;
  function beforePrint() {
    if (printing) { return; }
    printing = true;
    frameNote();
    plots().forEach(function (gd) {
      if (window.Plotly) { Plotly.relayout(gd, PRINT_SIZE); }
    });
  }
  function afterPrint() {
    if (!printing) { return; }
    printing = false;
    plots().forEach(function (gd) {
      if (window.Plotly) {
        Plotly.relayout(gd, { width: null, height: null, autosize: true });
      }
    });
  }
  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    var onChange = function (e) { if (e.matches) { beforePrint(); } else { afterPrint(); } };
    if (media.addEventListener) { media.addEventListener("change", onChange); }
  }

  function printHandout() {
    beforePrint();
    window.print();
  }

  var actions = { fullscreen: toggleFullscreen, question: function () { toggleQuestion(); },
                  print: printHandout };

  document.addEventListener("click", function (e) {
    var btn = e.target.closest && e.target.closest("[data-action]");
    if (btn && actions[btn.getAttribute("data-action")]) {
      actions[btn.getAttribute("data-action")]();
    }
  });

  document.addEventListener("keydown", function (e) {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typingInto(e.target)) {
      return;
    }
    switch (e.key) {
      case "ArrowRight": case "PageDown": go("next"); break;
      case "ArrowLeft": case "PageUp": go("prev"); break;
      case "f": case "F": toggleFullscreen(); break;
      case "q": case "Q": toggleQuestion(); break;
      case "p": case "P": printHandout(); break;
      case "Escape": toggleQuestion(false); return;
      default: return;
    }
    e.preventDefault();
  });

  document.addEventListener("fullscreenchange", function () {
    var on = !!document.fullscreenElement;
    document.documentElement.classList.toggle("lesson-fullscreen", on);
    setPressed("fullscreen", on);
  });
})();
