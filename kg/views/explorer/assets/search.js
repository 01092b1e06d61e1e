/* mhkg explorer search: the same steps and ranking as `mhkg search` (kg/ask/search.py),
   on the same documents (window.MHKG_SEARCH, from assets/search-index.js), indexed with
   MiniSearch (assets/vendor) and Porter stems (assets/vendor/stemmer.js, the algorithm of
   SQLite FTS5's porter tokenizer). A query's words lose their stop words, gain their
   synonyms, and an unknown word is completed or corrected against the indexed words; each
   document is scored by BM25 times its field's weight; an entity keeps its best document,
   ranked by exact name match, then the query concepts it holds, then score. A question in
   plain words that fits a canned query's phrase (kg/ask/phrases.py) is offered first.
   Text from the data is only ever set with textContent. */
(function () {
  "use strict";
  var X = window.MHKG_SEARCH;
  if (!X || !window.MiniSearch || !window.porterStem || !window.MiniSearchSearchableMap) { return; }
  var SearchableMap = window.MiniSearchSearchableMap;
  var stem = window.porterStem;
  var LIMIT = 50;
  var STOP = new Set(X.stopWords);
  var WORD = /[\p{L}\p{N}]+/gu;

  function fold(text) {
    return String(text)
      .replace(/[\u2018\u2019\u201a\u2032]/g, "'").replace(/[\u201c\u201d\u201e\u2033]/g, '"')
      .replace(/[\u2010-\u2015\u2212]/g, "-").replace(/\u00ad/g, "")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }
  function words(text) { return fold(text).match(WORD) || []; }
  function queryWords(text) {
    var all = words(text);
    var content = all.filter(function (w) { return !STOP.has(w); });
    return content.length ? content : all;
  }
  function maxEdits(word) { return word.length < 4 ? 0 : word.length < 7 ? 1 : 2; }
  function unique(list) { return list.filter(function (w, i) { return list.indexOf(w) === i; }); }
  function addAll(terms, more) { more.forEach(function (w) { if (terms.indexOf(w) < 0) { terms.push(w); } }); }
  function byString(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  // The index: one MiniSearch document per search document, and the raw words.
  var engine = new MiniSearch({
    idField: "n", fields: ["text"], storeFields: [],
    tokenize: function (text) { return words(text); },
    processTerm: function (term) { return stem(term); },
    searchOptions: { combineWith: "OR", prefix: false, fuzzy: false, bm25: { k: 1.2, b: 0.75, d: 0 } }
  });
  engine.addAll(X.docs.map(function (d, n) { return { n: n, text: d[2] }; }));
  var vocabulary = new SearchableMap();
  var stems = new Set();
  var frequency = new Map();  // stem -> how many documents hold it
  var lengths = [], uniques = [], allTokens = 0, allUnique = 0;
  X.docs.forEach(function (d) {
    var seen = new Set();
    var found = words(d[2]);
    found.forEach(function (w) {
      if (!vocabulary.has(w)) { vocabulary.set(w, 1); stems.add(stem(w)); }
      seen.add(stem(w));
    });
    seen.forEach(function (s) { frequency.set(s, (frequency.get(s) || 0) + 1); });
    lengths.push(found.length);
    uniques.push(new Set(found).size);
    allTokens += found.length;
    allUnique += new Set(found).size;
  });
  var K = 1.2, B = 0.75;
  var avgLength = allTokens / Math.max(1, X.docs.length), avgUnique = allUnique / Math.max(1, X.docs.length);
  var counts = new Map();  // document -> stem -> how often it holds it (filled when asked)
  function termFrequency(n, term) {
    var held = counts.get(n);
    if (!held) {
      held = new Map();
      words(X.docs[n][2]).forEach(function (w) { var s = stem(w); held.set(s, (held.get(s) || 0) + 1); });
      counts.set(n, held);
    }
    return held.get(term) || 0;
  }
  // MiniSearch measures a document by its distinct words where FTS5 counts every word:
  // this factor turns MiniSearch's BM25 length term into FTS5's for one (document, term).
  function lengthAsFts5(n, term) {
    var tf = termFrequency(n, term);
    if (!tf) { return 1; }
    var mini = tf + K * (1 - B + B * uniques[n] / avgUnique);
    var fts5 = tf + K * (1 - B + B * lengths[n] / avgLength);
    return mini / fts5;
  }
  // MiniSearch's BM25 takes log(1 + x) as a term's IDF where SQLite FTS5 takes log(x)
  // (at least 1e-6): each term's score is scaled to FTS5's IDF, so both rank alike.
  function idfAsFts5(term) {
    var n = frequency.get(term) || 0;
    var total = X.docs.length;
    var x = (total - n + 0.5) / (n + 0.5);
    var fts5 = Math.log(x);
    return (fts5 <= 0 ? 1e-6 : fts5) / Math.log(1 + x);
  }

  function known(word) { return vocabulary.has(word) || stems.has(stem(word)); }
  function completions(prefix) {
    var found = [];
    vocabulary.atPrefix(prefix).forEach(function (key) { if (key !== prefix) { found.push(key); } });
    return found.sort(function (a, b) { return (a.length - b.length) || byString(a, b); })
      .slice(0, X.limits.pool);
  }
  function corrections(word, edits) {
    var found = [];
    vocabulary.fuzzyGet(word, edits).forEach(function (value, key) { found.push([value[1], key]); });
    found.sort(function (a, b) { return (a[0] - b[0]) || byString(a[1], b[1]); });
    return found.map(function (pair) { return pair[1]; });
  }
  function positions(found, phrase) {
    var out = [];
    for (var i = 0; i + phrase.length <= found.length; i++) {
      if (phrase.every(function (w, j) { return found[i + j] === w; })) { out.push(i); }
    }
    return out;
  }
  function sameList(a, b) { return a.length === b.length && a.every(function (w, i) { return w === b[i]; }); }
  function hasList(lists, list) { return lists.some(function (l) { return sameList(l, list); }); }
  function conceptsOf(found) {
    // kg/ask/search_terms.py concepts_of: a concept is a list of alternatives, each a word
    // or the words of a phrase that must all be found.
    var owner = found.map(function (_, i) { return i; });
    var concepts = found.map(function (w) { return [[w]]; });
    var added = {};
    X.synonyms.forEach(function (group) {
      var members = group.map(queryWords);
      var spans = [];
      members.forEach(function (m, k) { if (m.length) { positions(found, m).forEach(function (i) { spans.push([i, m.length, k]); }); } });
      if (!spans.length) { return; }
      var target = owner[spans[0][0]];
      spans.forEach(function (span) {
        var words = found.slice(span[0], span[0] + span[1]);
        for (var at = span[0]; at < span[0] + span[1]; at++) {
          var source = owner[at];
          if (source !== target) {
            concepts[source].forEach(function (a) { if (!hasList(concepts[target], a)) { concepts[target].push(a); } });
            concepts[source] = [];
            owner = owner.map(function (o) { return o === source ? target : o; });
          }
        }
        if (span[1] > 1) {
          concepts[target] = concepts[target].filter(function (a) { return !(a.length === 1 && words.indexOf(a[0]) >= 0); });
          if (!hasList(concepts[target], words)) { concepts[target].unshift(words); }
        }
      });
      var hit = group[spans[0][2]];
      var fresh = members.filter(function (m) { return m.length && !hasList(concepts[target], m); });
      if (fresh.length) {
        fresh.forEach(function (m) { concepts[target].push(m); });
        added[hit] = fresh.map(function (m) { return m.join(" "); });
      }
    });
    return { concepts: concepts.filter(function (c) { return c.length; }), added: added };
  }
  function plan(text) {
    var found = unique(queryWords(text));
    var rough = conceptsOf(found);
    var result = { words: found, concepts: [], synonyms: rough.added, completed: {}, corrected: {}, unknown: [] };
    var seen = new Set();
    function fresh(list, most) {
      var picked = [];
      for (var i = 0; i < list.length && picked.length < most; i++) {
        var root = stem(list[i]);
        if (!seen.has(root)) { seen.add(root); picked.push(list[i]); }
      }
      return picked;
    }
    function single(list) { return list.map(function (w) { return [w]; }); }
    rough.concepts.forEach(function (concept) {
      var alternatives = [];
      seen = new Set();
      concept.forEach(function (alternative) {
        if (alternative.length > 1) {
          var roots = alternative.map(stem);
          if (alternative.every(known) && !roots.some(function (r) { return seen.has(r); })) {
            roots.forEach(function (r) { seen.add(r); });
            alternatives.push(alternative.slice());
          }
          return;
        }
        var word = alternative[0];
        if (known(word)) { alternatives = alternatives.concat(single(fresh([word], 1))); return; }
        var more = word.length >= X.limits.prefix ? fresh(completions(word), X.limits.completions) : [];
        if (more.length) { result.completed[word] = more; }
        else if (maxEdits(word)) {
          more = fresh(corrections(word, maxEdits(word)), X.limits.corrections);
          if (more.length) { result.corrected[word] = more; }
        }
        if (more.length) { alternatives = alternatives.concat(single(more)); } else if (found.indexOf(word) >= 0 && !known(word)) { result.unknown.push(word); }
      });
      if (alternatives.length) { result.concepts.push(alternatives); }
    });
    result.terms = [];
    result.concepts.forEach(function (c) { c.forEach(function (a) { addAll(result.terms, a); }); });
    return result;
  }
  // A MiniSearch query for concepts: ORed concepts, each an OR of alternatives, each a word
  // or an AND of words (as kg/ask/search.py _match writes it for FTS5).
  function conceptQuery(concepts) {
    var queries = [];
    concepts.forEach(function (concept) {
      concept.forEach(function (a) {
        queries.push(a.length === 1 ? a[0] : { combineWith: "AND", queries: a.slice() });
      });
    });
    return { combineWith: "OR", queries: queries };
  }
  function typeRank(type) {
    var at = X.typeOrder.indexOf(type);
    return at < 0 ? X.typeOrder.length : at;
  }
  function search(text, options) {
    options = options || {};
    var limit = options.limit || LIMIT;
    var thePlan = plan(text || "");
    if (!thePlan.terms.length) { return { hits: [], plan: thePlan, total: 0 }; }
    var covered = {};
    thePlan.concepts.forEach(function (concept) {
      engine.search(conceptQuery([concept])).forEach(function (r) { covered[r.id] = (covered[r.id] || 0) + 1; });
    });
    var exact = fold(String(text).split(/\s+/).join(" "));
    var results = engine.search(conceptQuery(thePlan.concepts), {
      boostDocument: function (n, term) { return X.weights[X.docs[n][1]] * lengthAsFts5(n, term); },
      boostTerm: idfAsFts5
    });
    // MiniSearch multiplies a score by the number of query terms matched; FTS5 does not.
    results.forEach(function (r) { r.score = r.score / Math.max(1, r.queryTerms.length); });
    var best = new Map();
    results.forEach(function (r) {
      var d = X.docs[r.id];
      var entity = X.entities[d[0]];
      if (options.types && options.types.indexOf(entity[0]) < 0) { return; }
      var kind = d[1];
      var folded = fold(d[2]);
      var same = (kind === "label" || kind === "alias" || kind === "id") &&
        (folded === exact || (kind === "id" && folded === exact.replace(/-/g, " ")));
      var key = [same ? 1 : 0, covered[r.id] || 0, Math.round(r.score * 1e6) / 1e6];
      var held = best.get(d[0]);
      if (!held || compareKeys(key, held.key) > 0) { best.set(d[0], { key: key, n: r.id, terms: r.terms }); }
    });
    var ranked = [];
    best.forEach(function (b, id) { ranked.push({ id: id, key: b.key, n: b.n, terms: b.terms }); });
    ranked.sort(function (a, b) {
      var ea = X.entities[a.id], eb = X.entities[b.id];
      return compareKeys(b.key, a.key) || (typeRank(ea[0]) - typeRank(eb[0])) ||
        byString(ea[1].toLowerCase(), eb[1].toLowerCase()) || byString(a.id, b.id);
    });
    var hits = ranked.slice(0, limit).map(function (r) {
      var d = X.docs[r.n];
      var e = X.entities[r.id];
      return { id: r.id, type: e[0], label: e[1], url: e[2], matched: d[1], text: d[2],
               locator: d[3], source: d[4], voice: d[5], exact: !!r.key[0],
               covers: r.key[1] + "/" + thePlan.concepts.length, score: r.key[2], stems: r.terms };
    });
    return { hits: hits, plan: thePlan, total: ranked.length };
  }
  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) { if (a[i] !== b[i]) { return a[i] > b[i] ? 1 : -1; } }
    return 0;
  }

  // Questions in plain words (kg/ask/phrases.py, step for step).
  var PHRASES = X.phrases.map(function (p) {
    var tokens = [];
    p.say.split(/(\{[a-z][a-z0-9_-]*\})/).forEach(function (part) {
      var slot = /^\{([a-z][a-z0-9_-]*)\}$/.exec(part);
      if (slot) { tokens.push(["slot", slot[1], false]); }
      else { words(part).forEach(function (w) { tokens.push(["word", stem(w), !STOP.has(w)]); }); }
    });
    return { p: p, tokens: tokens };
  });
  var NEGATIONS = new Set(X.ask.negations);
  var LITERALS = new SearchableMap();
  PHRASES.forEach(function (ph) { ph.tokens.forEach(function (t) { if (t[0] === "word") { LITERALS.set(t[1], 1); } }); });
  function typo(word, literal) {
    var edits = maxEdits(literal);
    if (!edits || word.length < 4) { return false; }
    var s = stem(word);
    return !LITERALS.has(s) && LITERALS.fuzzyGet(s, edits).has(literal) && s !== literal;
  }
  function align(ph, said, saidStems) {
    var cursor = 0, pending = null, slots = {}, used = said.map(function () { return false; });
    var keyTotal = 0, keyFound = 0, typos = 0;
    var plain = !ph.tokens.some(function (t) { return t[0] === "word" && t[2]; });
    ph.tokens.forEach(function (t) {
      if (t[0] === "slot") { pending = t[1]; return; }
      var key = t[2] || plain;
      keyTotal += key ? 1 : 0;
      var start = cursor + (pending ? 1 : 0), at = -1, i;
      for (i = start; i < said.length; i++) { if (saidStems[i] === t[1]) { at = i; break; } }
      if (at < 0) {
        for (i = start; i < said.length; i++) { if (typo(said[i], t[1])) { at = i; break; } }
        if (at >= 0) { typos += 1; }
      }
      if (at < 0) { return; }
      keyFound += key ? 1 : 0;
      if (pending !== null) {
        slots[pending] = said.slice(cursor, at);
        for (i = cursor; i < at; i++) { used[i] = true; }
        pending = null;
      }
      used[at] = true;
      cursor = at + 1;
    });
    if (pending !== null) {
      slots[pending] = said.slice(cursor);
      for (var j = cursor; j < said.length; j++) { used[j] = true; }
    }
    if (!keyTotal || !keyFound || keyFound / keyTotal < X.ask.minShare) { return null; }
    if (said.some(function (w, i) { return !used[i] && NEGATIONS.has(w); })) { return null; }
    var left = said.filter(function (w, i) { return !used[i] && !STOP.has(w); }).length;
    var score = keyFound / keyTotal - X.ask.fillerCost * left - X.ask.typoCost * typos;
    return score >= X.ask.minFit ? { score: score, slots: slots } : null;
  }
  function resolve(text, types) {
    if (!text.split(" ").some(function (w) { return w && !STOP.has(w); })) { return null; }
    var hit = search(text, { limit: 1, types: types || null }).hits[0];
    if (!hit) { return null; }
    var parts = hit.covers.split("/");
    if (["label", "alias", "id"].indexOf(hit.matched) < 0 || parts[0] !== parts[1]) { return null; }
    var given = words(text).filter(function (w) { return !STOP.has(w); }).length;
    var e = X.entities[hit.id];
    var shortest = Math.min.apply(null, [e[1]].concat(e[3]).map(function (name) {
      return words(name).filter(function (w) { return !STOP.has(w); }).length;
    }));
    return shortest - given > X.ask.maxUnsaid ? null : hit.id;
  }
  function ask(question) {
    var said = words(question);
    if (!said.length) { return null; }
    var saidStems = said.map(stem);
    var best = null;
    PHRASES.forEach(function (ph) {
      var fitted = align(ph, said, saidStems);
      if (!fitted || (best && fitted.score <= best.score)) { return; }
      var match = { query: ph.p.query, title: ph.p.title, url: ph.p.url, phrase: ph.p.say, shown: ph.p.shown,
                    score: fitted.score, parameters: {}, rows: {}, slots: {} };
      var ok = ph.tokens.filter(function (t) { return t[0] === "slot"; }).every(function (t) {
        var text = (fitted.slots[t[1]] || []).join(" ");
        var found = resolve(text, ph.p.slots[t[1]]);
        if (found === null) { return false; }
        match.slots[t[1]] = text;
        if (t[1] === ph.p.rows) { match.rows[t[1]] = found; } else { match.parameters[t[1]] = found; }
        return true;
      });
      if (ok) { best = match; }
    });
    return best;
  }

  // The page.
  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (className) { node.className = className; }
    return node;
  }
  function link(href, text) {
    var a = el("a", text);
    a.setAttribute("href", href);
    return a;
  }
  function marked(text, hitStems) {
    // The text with its matched words in <mark>, cut to a window around the first one.
    var p = el("span");
    var pieces = String(text).split(/([\p{L}\p{N}]+)/u);
    var first = -1;
    pieces.forEach(function (piece, i) { if (first < 0 && i % 2 === 1 && hitStems.has(stem(fold(piece)))) { first = i; } });
    var from = 0, to = pieces.length;
    if (pieces.length > 60 && first >= 0) { from = Math.max(0, first - 24); to = Math.min(pieces.length, first + 36); }
    if (from > 0) { p.appendChild(document.createTextNode("\u2026")); }
    for (var i = from; i < to; i++) {
      if (i % 2 === 1 && hitStems.has(stem(fold(pieces[i])))) { p.appendChild(el("mark", pieces[i])); }
      else { p.appendChild(document.createTextNode(pieces[i])); }
    }
    if (to < pieces.length) { p.appendChild(document.createTextNode("\u2026")); }
    return p;
  }
  function command(match) {
    return "mhkg query " + match.query + Object.keys(match.parameters).map(function (k) {
      return " --" + k + " " + match.parameters[k];
    }).join("");
  }
  var FIELD_WORDS = { detail: "funding, outcome or lesson" };
  var root = (document.body && document.body.getAttribute("data-root")) || "";
  function render(list, status, text) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!queryWords(text).length) { status.textContent = "Type a name, words from a quote, or a question."; return; }
    var answer = ask(text);
    var chosen = typeBox && typeBox.value ? typeBox.value.split(",") : null;
    var found = search(text, { limit: LIMIT, types: chosen });
    if (answer) {
      var li = el("li", null, "result result-question");
      var head = el("p", null, "item-title");
      head.appendChild(el("span", "Canned question: ", "result-type"));
      head.appendChild(link(root + answer.url, answer.title));
      li.appendChild(head);
      var rows = Object.keys(answer.rows).map(function (k) { return ", the rows for " + k + " " + answer.rows[k]; }).join("");
      var how = el("p", null, "details");
      how.appendChild(document.createTextNode("It fits \u201c" + answer.phrase + "\u201d. Run it yourself: "));
      how.appendChild(el("code", command(answer)));
      how.appendChild(document.createTextNode(rows + "."));
      var differs = Object.keys(answer.parameters).filter(function (k) { return answer.shown[k] !== answer.parameters[k]; })
        .concat(Object.keys(answer.rows).length ? ["rows"] : []);
      if (differs.length) {
        var shownText = Object.keys(answer.shown).map(function (k) { return k + " " + answer.shown[k]; }).join(", ");
        how.appendChild(document.createTextNode(" Its page shows the answer " + (shownText ? "for " + shownText : "for every row") + "."));
      }
      li.appendChild(how);
      list.appendChild(li);
    }
    var notes = [];
    Object.keys(found.plan.synonyms).forEach(function (k) { notes.push("\u201c" + k + "\u201d also searched as " + found.plan.synonyms[k].join(", ")); });
    Object.keys(found.plan.completed).forEach(function (k) { notes.push("\u201c" + k + "\u201d completed as " + found.plan.completed[k].join(", ")); });
    Object.keys(found.plan.corrected).forEach(function (k) { notes.push("\u201c" + k + "\u201d read as " + found.plan.corrected[k].join(", ")); });
    status.textContent = (found.hits.length
      ? found.total + " result" + (found.total === 1 ? "" : "s") + " for \u201c" + text + "\u201d"
      : "Nothing found for \u201c" + text + "\u201d. Try fewer or other words, or the Questions page.")
      + (notes.length ? " (" + notes.join("; ") + ")" : "");
    found.hits.forEach(function (hit) {
      var item = el("li", null, "result");
      var title = el("p", null, "item-title");
      title.appendChild(link(root + hit.url, hit.label));
      title.appendChild(document.createTextNode(" "));
      title.appendChild(el("span", "(" + (X.typeNames[hit.type] || hit.type) + ", matched in its " + (FIELD_WORDS[hit.matched] || hit.matched) + ")", "result-type"));
      item.appendChild(title);
      var hitStems = new Set(hit.stems);
      if (hit.matched === "quote") {
        var figure = el("figure", null, "quote");
        var block = el("blockquote");
        var para = el("p");
        para.appendChild(document.createTextNode("\u201c"));
        para.appendChild(marked(hit.text, hitStems));
        para.appendChild(document.createTextNode("\u201d"));
        block.appendChild(para);
        figure.appendChild(block);
        // Whose words, where, as `mhkg` says it (kg/ask/cite.py): the source that holds them.
        var caption = el("figcaption", "\u2014 " + (hit.voice && hit.voice !== "authors"
          ? (X.voiceWords[hit.voice] || hit.voice) + ", in " : ""));
        var source = Object.prototype.hasOwnProperty.call(X.sources, hit.source) ? X.sources[hit.source] : [hit.source, ""];
        if (source[1]) { caption.appendChild(link(root + source[1], source[0])); } else { caption.appendChild(document.createTextNode(source[0])); }
        caption.appendChild(document.createTextNode(", section \u2018"));
        caption.appendChild(el("span", hit.locator, "locator"));
        caption.appendChild(document.createTextNode("\u2019"));
        figure.appendChild(caption);
        item.appendChild(figure);
      } else {
        var details = el("p", null, "details");
        details.appendChild(marked(hit.text, hitStems));
        item.appendChild(details);
      }
      list.appendChild(item);
    });
  }

  window.mhkgSearch = search;  // for tests and the console
  window.mhkgAsk = ask;
  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var typeBox = document.getElementById("search-type");
  var status = document.getElementById("search-status");
  var list = document.getElementById("results");
  if (!form || !input || !status || !list) { document.documentElement.setAttribute("data-search-ready", "true"); return; }
  var params = new URLSearchParams(window.location.search);
  var initial = params.get("q") || "";
  input.value = initial;
  var siteBox = document.getElementById("site-search-q");
  if (siteBox) { siteBox.value = initial; }
  if (typeBox) { typeBox.value = params.get("type") || ""; }
  render(list, status, initial);
  document.body.setAttribute("data-search-ready", "true");
  var timer = null;
  if (typeBox) {
    typeBox.value = params.get("type") || "";
    typeBox.addEventListener("change", function () { render(list, status, input.value); });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { render(list, status, input.value); }, 150);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    render(list, status, input.value);
    if (window.history && window.history.replaceState) {
      var kept = "?q=" + encodeURIComponent(input.value) + (typeBox && typeBox.value ? "&type=" + encodeURIComponent(typeBox.value) : "");
      try { window.history.replaceState(null, "", kept); } catch (e) { /* file: URLs may refuse */ }
    }
  });
}());
