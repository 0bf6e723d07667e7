/* lstm_edu: page-level behaviour of every page of the book (added by lstm_edu.book.sphinxext,
 * in the page's head, right after the theme's own colour-mode snippet).
 *
 * - One colour mode. The figures are drawn for a light page; the theme's dark mode would show
 *   them as white cards in grey frames. The theme restores a mode chosen earlier (its
 *   localStorage key "mode" is shared by every pydata-sphinx-theme book opened from disk), so
 *   the page is set back to light before it is drawn; the switch itself is hidden in
 *   lstm_edu.css.
 * - Scroll cues. A wide table, equation or code line scrolls sideways in its own box; on a
 *   phone the scroll bar stays invisible until touched. Each such box that is cut off gets the
 *   class lstm-edu-more-right / lstm-edu-more-left (faded edges, lstm_edu.css), kept up to date
 *   as the reader scrolls it, as MathJax typesets and as the window changes size. An inline
 *   equation wider than its line (which the theme would cut off) is made such a box.
 * - Sidebar buttons that work. The page has two "Toggle primary sidebar" buttons (one in the
 *   navbar, hidden on this layout, and the visible one above the article); the themes bind
 *   their handlers (hide the sidebar on a wide screen, open it as a drawer on a narrow one) to
 *   the first only, leaving the visible one dead at every width. A click on any later button
 *   is passed to the first; the same for the secondary (contents) buttons.
 */
(function () {
  var root = document.documentElement;
  root.dataset.mode = "light";
  root.dataset.theme = "light";

  var BOXES = ".pst-scrollable-table-container, div.math mjx-container, span.math.lstm-edu-wide,"
    + " pre";
  var SLACK = 4;   // px: an italic letter's overhang is no reason to scroll

  // The theme clips inline math at the end of the line; one that is really wider scrolls.
  function widen() {
    var spans = document.querySelectorAll("span.math");
    for (var k = 0; k < spans.length; k++) {
      var span = spans[k];
      if (!span.classList.contains("lstm-edu-wide") && span.scrollWidth > span.clientWidth + SLACK) {
        span.classList.add("lstm-edu-wide");
      }
    }
  }

  function cue(box) {
    var more = box.scrollWidth - box.clientWidth;
    box.classList.toggle("lstm-edu-more-right", more > SLACK && box.scrollLeft < more - 1);
    box.classList.toggle("lstm-edu-more-left", more > SLACK && box.scrollLeft > 1);
  }

  function update() {
    widen();
    var boxes = document.querySelectorAll(BOXES);
    for (var k = 0; k < boxes.length; k++) {
      var box = boxes[k];
      if (!box.lstmEduCue) {
        box.lstmEduCue = true;
        box.addEventListener("scroll", cue.bind(null, box), {passive: true});
      }
      cue(box);
    }
  }

  var pending = null;
  function later() {
    if (pending === null) {
      pending = window.requestAnimationFrame(function () { pending = null; update(); });
    }
  }

  function forwardToggles() {
    [".primary-toggle", ".secondary-toggle"].forEach(function (sel) {
      var all = document.querySelectorAll(sel);
      for (var k = 1; k < all.length; k++) {
        all[k].addEventListener("click", function (e) {
          e.preventDefault();
          e.stopImmediatePropagation();
          all[0].click();
        }, true);
      }
    });
  }

  document.addEventListener("DOMContentLoaded", update);
  document.addEventListener("DOMContentLoaded", forwardToggles);
  window.addEventListener("resize", later);
  window.addEventListener("load", function () {
    update();
    var mj = window.MathJax;
    if (mj && mj.startup && mj.startup.promise) { mj.startup.promise.then(update); }
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(later); }
  });
})();
