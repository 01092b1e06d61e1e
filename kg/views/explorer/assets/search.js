/* mhkg explorer search: ranks window.MHKG_SEARCH (assets/search-index.js) the way
   `mhkg search` does. Matching ignores case, accents, typographic quote marks, dashes and
   runs of spaces; an exact id, label or alias (100) beats a prefix (80), a whole word (60),
   a part of a label or alias (40) and words of a quote (20). Ties go by type, then label.
   Text from the data is only ever set with textContent. */
(function () {
  "use strict";
  var index = window.MHKG_SEARCH;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  var LIMIT = 50;
  var ROOT = "";

  function fold(text) {
    return String(text)
      .replace(/[\u2018\u2019\u201a\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u2033]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, "-").replace(/\u00ad/g, "")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  var ALNUM = /[\p{L}\p{N}]/u;
  function hasWord(hay, needle) {
    var start = hay.indexOf(needle);
    while (start >= 0) {
      var end = start + needle.length;
      var before = start === 0 || !ALNUM.test(hay.charAt(start - 1));
      var after = end === hay.length || !ALNUM.test(hay.charAt(end));
      if (before && after) { return true; }
      start = hay.indexOf(needle, start + 1);
    }
    return false;
  }
  function tier(needle, hay, allowSubstring) {
    if (hay === needle) { return "exact"; }
    if (hay.indexOf(needle) === 0) { return "prefix"; }
    if (hasWord(hay, needle)) { return "word"; }
    if (allowSubstring && hay.indexOf(needle) >= 0) { return "substring"; }
    return null;
  }
  function nameHit(needle, entry) {
    var best = null;
    var names = entry.names.concat([["id", entry.id, entry.id]]);
    names.forEach(function (name) {
      var t = tier(needle, name[2], name[0] !== "id");
      if (name[0] === "id" && t === null) { t = tier(needle, name[2].replace(/-/g, " "), false); }
      if (t !== null && (best === null || index.scores[t] > best.score)) {
        best = { score: index.scores[t], field: name[0], text: name[1] };
      }
    });
    return best;
  }
  function quoteHit(needle, entry) {
    for (var i = 0; i < entry.quotes.length; i++) {
      var q = entry.quotes[i];
      if (q[1].indexOf(needle) >= 0) {
        return { score: index.scores.quote, field: "quote", text: q[0], quote: q, needle: needle };
      }
    }
    return null;
  }
  function typeRank(type) {
    var at = index.typeOrder.indexOf(type);
    return at < 0 ? index.typeOrder.length : at;
  }
  function compare(a, b) {
    var la = a.entry.label.toLowerCase(), lb = b.entry.label.toLowerCase();
    return (b.hit.score - a.hit.score) || (typeRank(a.entry.type) - typeRank(b.entry.type)) ||
      (la < lb ? -1 : la > lb ? 1 : 0) || (a.entry.id < b.entry.id ? -1 : a.entry.id > b.entry.id ? 1 : 0);
  }
  function search(text, limit) {
    var needle = fold(text || "");
    if (!needle) { return []; }
    var found = [];
    var named = {};
    index.entries.forEach(function (entry) {
      var hit = nameHit(needle, entry);
      if (hit) { found.push({ hit: hit, entry: entry }); named[entry.id] = true; }
    });
    if (found.length < limit) {
      index.entries.forEach(function (entry) {
        if (named[entry.id]) { return; }
        var hit = quoteHit(needle, entry);
        if (hit) { found.push({ hit: hit, entry: entry }); }
      });
    }
    found.sort(compare);
    return found.slice(0, limit);
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }
  function link(href, text) {
    var a = el("a", text);
    a.setAttribute("href", ROOT + href);
    return a;
  }
  function quoteWithMark(q, needle) {
    // The folded quote lines up with the shown one when folding kept its length.
    var p = el("p");
    var at = q[1].indexOf(needle);
    p.appendChild(document.createTextNode("\u201c"));
    if (at >= 0 && q[1].length === q[0].length) {
      p.appendChild(document.createTextNode(q[0].slice(0, at)));
      p.appendChild(el("mark", q[0].slice(at, at + needle.length)));
      p.appendChild(document.createTextNode(q[0].slice(at + needle.length)));
    } else {
      p.appendChild(document.createTextNode(q[0]));
    }
    p.appendChild(document.createTextNode("\u201d"));
    return p;
  }
  function render(results, text) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!fold(text)) { status.textContent = "Type a name, an alias or words from a quote."; return; }
    status.textContent = results.length
      ? results.length + (results.length === LIMIT ? "+" : "") + " result" + (results.length === 1 ? "" : "s") + " for \u201c" + text + "\u201d"
      : "Nothing found for \u201c" + text + "\u201d.";
    results.forEach(function (r) {
      var li = el("li", null, "result");
      var head = el("p", null, "item-title");
      head.appendChild(link(r.entry.url, r.entry.label));
      head.appendChild(document.createTextNode(" "));
      head.appendChild(el("span", "(" + (index.typeNames[r.entry.type] || r.entry.type) + ")", "result-type"));
      li.appendChild(head);
      if (r.hit.field === "quote") {
        var figure = el("figure", null, "quote");
        var block = el("blockquote");
        block.appendChild(quoteWithMark(r.hit.quote, r.hit.needle));
        figure.appendChild(block);
        var caption = el("figcaption", "\u2014 ");
        caption.appendChild(el("span", r.hit.quote[2], "locator"));
        caption.appendChild(document.createTextNode(", "));
        if (r.hit.quote[4]) { caption.appendChild(link(r.hit.quote[4], r.hit.quote[3])); }
        else { caption.appendChild(document.createTextNode(r.hit.quote[3])); }
        figure.appendChild(caption);
        li.appendChild(figure);
      } else if (r.hit.field !== "label") {
        li.appendChild(el("p", "matched " + r.hit.field + ": " + r.hit.text, "details"));
      }
      list.appendChild(li);
    });
  }

  window.mhkgSearch = search;  // for tests and the console
  if (!index || !form) { return; }
  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  var siteBox = document.getElementById("site-search-q");
  if (siteBox) { siteBox.value = initial; }
  render(search(initial, LIMIT), initial);
  document.body.setAttribute("data-search-ready", "true");
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { render(search(input.value, LIMIT), input.value); }, 120);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    render(search(input.value, LIMIT), input.value);
    if (window.history && window.history.replaceState) {
      try { window.history.replaceState(null, "", "?q=" + encodeURIComponent(input.value)); } catch (e) { /* file: URLs may refuse */ }
    }
  });
}());
