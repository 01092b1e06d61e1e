/* mhkg explorer, the SPARQL page of `mhkg serve`: run a query on the endpoint beside the
   site and show its answer as a table.

   The answer is read as SPARQL JSON (or Turtle for CONSTRUCT and DESCRIBE) from ./sparql;
   every value is put in the page as text (textContent), never parsed as HTML. An IRI of an
   entity that has a page here links to it. A download format sends the form as a plain GET,
   so the browser saves what the endpoint returns. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("sparql-data").textContent);
  var form = document.getElementById("sparql-form");
  var text = document.getElementById("sparql-query");
  var example = document.getElementById("sparql-example");
  var format = document.getElementById("sparql-format");
  var status = document.getElementById("sparql-status");
  var wrap = document.getElementById("sparql-result");
  var table = document.getElementById("sparql-table");
  var running = null;

  document.getElementById("endpoint-address").textContent =
    new URL(data.endpoint, window.location.href).href;

  function byName(name) {
    for (var i = 0; i < data.examples.length; i += 1) {
      if (data.examples[i].name === name) { return data.examples[i]; }
    }
    return null;
  }

  function pageOf(iri) {  // the explorer page of an entity IRI (…/id/TYPE/SLUG), if any
    if (iri.indexOf(data.ids) !== 0) { return null; }
    var slug = iri.slice(data.ids.length).split("/").pop();
    return Object.prototype.hasOwnProperty.call(data.pages, slug) ? data.pages[slug] : null;
  }

  function shortIri(iri) {
    var names = Object.keys(data.prefixes);
    for (var i = 0; i < names.length; i += 1) {
      var ns = data.prefixes[names[i]];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) { return names[i] + ":" + iri.slice(ns.length); }
    }
    return iri;
  }

  function termCell(term) {
    var td = document.createElement("td");
    if (!term) { return td; }
    if (term.type === "uri") {
      var page = pageOf(term.value);
      var node = document.createElement(page ? "a" : "span");
      if (page) { node.href = page; }
      node.title = term.value;  // the whole IRI; the cell shows the id, as `mhkg` does
      node.textContent = page ? term.value.split("/").pop() : shortIri(term.value);
      td.appendChild(node);
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term["xml:lang"]) { td.lang = term["xml:lang"]; }
      if (term.value.length > 80) { td.className = "long"; }  // a quote: room to read it
    }
    return td;
  }

  function show(head, rows) {
    var thead = table.tHead, tbody = table.tBodies[0];
    thead.textContent = "";
    tbody.textContent = "";
    var tr = document.createElement("tr");
    head.forEach(function (name) {
      var th = document.createElement("th");
      th.scope = "col";
      th.textContent = name;
      tr.appendChild(th);
    });
    thead.appendChild(tr);
    var fragment = document.createDocumentFragment();
    rows.forEach(function (row) {
      var line = document.createElement("tr");
      head.forEach(function (name) { line.appendChild(termCell(row[name])); });
      fragment.appendChild(line);
    });
    tbody.appendChild(fragment);
    wrap.hidden = false;
  }

  function triples(turtle) {  // a CONSTRUCT answer, shown as one line per triple
    return turtle.split("\n").filter(function (line) { return line.trim() !== ""; })
      .map(function (line) { return {"statement": {"type": "literal", "value": line}}; });
  }

  function plural(n, word) { return n.toLocaleString("en-GB") + " " + word + (n === 1 ? "" : "s"); }

  function run() {
    if (running) { running.abort(); }
    running = new AbortController();
    status.textContent = "Running\u2026";
    var started = Date.now();
    var body = new URLSearchParams({"query": text.value});
    fetch(data.endpoint, {method: "POST", body: body, signal: running.signal,
                          headers: {"Accept": "application/sparql-results+json, text/turtle;q=0.9"}})
      .then(function (response) {
        var kind = response.headers.get("Content-Type") || "";
        var cut = response.headers.get("X-SPARQL-MaxRows");
        return response.text().then(function (body) {
          var seconds = ((Date.now() - started) / 1000).toFixed(2) + " s";
          if (!response.ok) {
            var message = body;
            try { message = JSON.parse(body).message || body; } catch (e) { /* not JSON: shown as is */ }
            wrap.hidden = true;
            status.textContent = "The endpoint refused the query (" + response.status + "): " + message;
            return;
          }
          var note = cut ? " \u2014 cut at " + Number(cut).toLocaleString("en-GB") + " rows, the server\u2019s limit" : "";
          if (kind.indexOf("json") !== -1) {
            var answer;
            try { answer = JSON.parse(body); } catch (e) {
              wrap.hidden = true;
              status.textContent = "The endpoint sent an answer this page cannot read (" + e.message + ")";
              return;
            }
            if (Object.prototype.hasOwnProperty.call(answer, "boolean")) {
              show(["answer"], [{"answer": {"type": "literal", "value": answer["boolean"] ? "yes" : "no"}}]);
              status.textContent = "ASK: " + (answer["boolean"] ? "yes" : "no") + " (" + seconds + ")";
              return;
            }
            show(answer.head.vars, answer.results.bindings);
            status.textContent = plural(answer.results.bindings.length, "row") + " in " + seconds + note;
          } else {
            var lines = triples(body);
            show(["statement"], lines);
            status.textContent = plural(lines.length, "line") + " of Turtle in " + seconds + note;
          }
        });
      })
      .catch(function (error) {
        if (error.name !== "AbortError") { status.textContent = "The endpoint could not be reached: " + error.message; }
      });
  }

  var runButton = document.getElementById("sparql-run");
  format.addEventListener("change", function () {
    runButton.textContent = format.value ? "Download" : "Run";
  });
  example.addEventListener("change", function () {
    var chosen = byName(example.value);
    text.value = chosen ? chosen.text : data.first;
  });
  form.addEventListener("submit", function (event) {
    if (format.value) { return; }  // a download: the browser sends the form itself
    event.preventDefault();
    run();
  });
  text.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      format.value = "";
      runButton.textContent = "Run";
      run();
    }
  });
}());
