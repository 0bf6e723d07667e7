/* lstm_edu: search snippets without fetching pages (search page only; lstm_edu.book.sphinxext).
 *
 * Sphinx's searchtools.js builds each result's snippet by fetching the result's page. Opened
 * from disk, Chromium blocks such fetches (file:// has no CORS), logging one console error per
 * result and showing no snippet. At build time the extension writes every page's text
 * (lstm_edu_search_text.js: window.lstmEduPageText[docname] = {text, anchors}), and this script,
 * loaded after searchtools.js, answers the fetch of a book page from that text instead:
 * nothing is fetched, on disk or on a server. Other fetches are left alone.
 */
(function () {
  var pages = window.lstmEduPageText;
  if (!pages || typeof Search === "undefined" || !window.fetch) { return; }
  var MARK = "lstm-edu-page:";
  var base = new URL(document.documentElement.dataset.content_root || "./", location.href).href;
  var suffix = (window.DOCUMENTATION_OPTIONS && DOCUMENTATION_OPTIONS.FILE_SUFFIX) || ".html";

  function docname(resource) {
    var url = typeof resource === "string" ? resource : resource && resource.url;
    if (!url) { return null; }
    var href = new URL(url, location.href).href.split(/[?#]/)[0];
    if (href.indexOf(base) !== 0 || href.slice(-suffix.length) !== suffix) { return null; }
    var doc = href.slice(base.length, href.length - suffix.length);
    return Object.prototype.hasOwnProperty.call(pages, doc) ? doc : null;
  }

  var fetchPage = window.fetch;
  window.fetch = function (resource) {
    var doc = docname(resource);
    if (doc === null) { return fetchPage.apply(this, arguments); }
    return Promise.resolve(new Response(MARK + doc, {headers: {"Content-Type": "text/plain"}}));
  };

  var htmlToText = Search.htmlToText;
  Search.htmlToText = function (html, anchor) {
    if (typeof html !== "string" || html.indexOf(MARK) !== 0) {
      return htmlToText(html, anchor);
    }
    var page = pages[html.slice(MARK.length)];
    var span = anchor ? page.anchors[anchor] : null;
    return span ? page.text.slice(span[0], span[1]) : page.text;
  };
})();
