/* mhkg explorer, a query's page: ask the question with other values, in the page.

   The page carries, in #query-data, the rows of every setting of the query's parameters that
   has any (worked out when the site was built, as `mhkg query NAME --PARAM VALUE` gives
   them), and each row already drawn: in the table, or in a <template data-row="N">. Choosing
   a value shows that setting's rows, keeps the choice in the address (#factor=money), and
   points the download links at the same CSV and JSON that `--format csv|json` writes. No text
   from the data is parsed as HTML here: rows are cloned from the page's own templates. */
(function () {
  "use strict";

  function truthy(value) {  // Python's truth: empty lists and objects are false
    if (Array.isArray(value)) { return value.length > 0; }
    if (value && typeof value === "object") { return Object.keys(value).length > 0; }
    return Boolean(value);
  }

  function cell(value) {  // kg.core.formatting.cell
    if (value === null || value === undefined) { return ""; }
    if (typeof value === "boolean") { return value ? "yes" : "no"; }
    if (Array.isArray(value)) { return value.map(cell).join("; "); }
    if (typeof value === "object") {
      if (Object.prototype.hasOwnProperty.call(value, "quote")) {
        var rest = Object.keys(value).filter(function (k) { return k !== "quote" && truthy(value[k]); })
          .map(function (k) { return cell(value[k]); }).join(", ");
        return "\u201c" + cell(value.quote) + "\u201d" + (rest ? " (" + rest + ")" : "");
      }
      return Object.keys(value).map(function (k) { return k + ": " + cell(value[k]); }).join("; ");
    }
    return String(value).split(/[\s\u001c-\u001f\u0085]+/).filter(Boolean).join(" ");
  }

  function csvField(text) {  // Python's csv module, QUOTE_MINIMAL
    return /[",\r\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function Query(data) {
    this.data = data;
  }
  Query.prototype.effective = function (given) {
    var out = {}, defaults = this.data.defaults;
    this.data.parameters.forEach(function (name) {
      var value = given[name];
      out[name] = value === undefined || value === null || value === "" ? defaults[name] : value;
    });
    return out;
  };
  Query.prototype.key = function (given) {
    var values = this.effective(given);
    return this.data.parameters.filter(function (n) { return values[n] !== null; })
      .map(function (n) { return n + "=" + values[n]; }).join("&");
  };
  Query.prototype.indices = function (given) {  // null: not worked out for the page
    var found = this.data.settings[this.key(given)];
    if (found) { return found; }
    return this.data.complete ? [] : null;
  };
  Query.prototype.rows = function (given) {
    var rows = this.data.rows;
    return (this.indices(given) || []).map(function (i) { return rows[i]; });
  };
  Query.prototype.files = function (given) {  // what `mhkg query ... --format csv|json` prints
    var columns = this.data.columns, rows = this.rows(given);
    var payload = {columns: columns, rows: rows, query: this.data.query,
                   title: this.data.title, parameters: this.effective(given)};
    var lines = [columns.map(csvField).join(",")].concat(rows.map(function (row) {
      return columns.map(function (c) { return csvField(cell(row[c])); }).join(",");
    }));
    return {csv: lines.join("\n") + "\n", json: JSON.stringify(payload, null, 2) + "\n"};
  };

  function ready() {
    var source = document.getElementById("query-data");
    var form = document.getElementById("query-form");
    if (!source || !form) { return; }
    var query = new Query(JSON.parse(source.textContent));
    var data = query.data;
    var selects = {};
    data.parameters.forEach(function (name) { selects[name] = document.getElementById("param-" + name); });
    var table = document.querySelector("table.result");
    var body = table ? table.tBodies[0] : null;
    var heads = table ? table.querySelectorAll("thead th") : [];
    var pool = {};
    if (body) {
      Array.prototype.forEach.call(body.rows, function (tr) { pool[tr.getAttribute("data-row")] = tr; });
    }
    function drawn(index) {
      if (!pool[index]) {
        var template = document.querySelector("template[data-row=\"" + index + "\"]");
        pool[index] = template.content.firstElementChild.cloneNode(true);
      }
      return pool[index];
    }
    function chosen() {
      var given = {};
      data.parameters.forEach(function (name) { given[name] = selects[name].value || null; });
      return given;
    }
    var base = query.key(chosen());
    var links = {csv: document.getElementById("download-csv"), json: document.getElementById("download-json")};
    var statics = {};
    Object.keys(links).forEach(function (fmt) {
      if (links[fmt]) { statics[fmt] = [links[fmt].getAttribute("href"), links[fmt].getAttribute("download")]; }
    });
    var blobs = [];
    function show(given, keep) {
      var key = query.key(given), indices = query.indices(given), rows = query.rows(given);
      var set = function (id, hidden) { var el = document.getElementById(id); if (el) { el.hidden = hidden; } };
      set("answer-unknown", indices !== null);
      set("answer-none", indices === null || rows.length > 0);
      set("answer-table", rows.length === 0);
      var count = document.getElementById("answer-count");
      if (count) { count.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s"); }
      var words = data.parameters.filter(function (n) { return given[n]; })
        .map(function (n) { return "--" + n + " " + given[n]; });
      var command = document.getElementById("query-command");
      if (command) {
        var values = query.effective(given);
        command.textContent = ["mhkg query", data.query].concat(data.parameters
          .filter(function (n) { return values[n] !== null; })
          .map(function (n) { return "--" + n + " " + values[n]; })).join(" ");
      }
      var status = document.getElementById("answer-status");
      if (status) {
        status.textContent = (indices === null ? "Not worked out for the page"
          : rows.length + " row" + (rows.length === 1 ? "" : "s")) + (words.length ? " for " + words.join(", ") : "");
      }
      if (body) {
        while (body.firstChild) { body.removeChild(body.firstChild); }
        (indices || []).forEach(function (i) { body.appendChild(drawn(i)); });
        var empty = [];
        data.shown.forEach(function (column, at) {
          var hide = rows.length > 0 && rows.every(function (row) {
            var v = row[column]; return v === null || v === undefined || v === "";
          });
          if (heads[at]) {
            heads[at].hidden = hide;
            heads[at].setAttribute("aria-sort", "none");
            if (hide) { empty.push(heads[at].textContent.trim()); }
          }
          (indices || []).forEach(function (i) { var td = pool[i].cells[at]; if (td) { td.hidden = hide; } });
        });
        var note = document.getElementById("answer-empty");
        if (note) {
          note.hidden = empty.length === 0;
          note.querySelector("span").textContent = empty.join(", ");
        }
      }
      blobs.forEach(function (url) { URL.revokeObjectURL(url); });
      blobs = [];
      var files = key === base ? null : query.files(given);
      var stem = [data.query].concat(data.parameters.filter(function (n) { return given[n]; })
        .map(function (n) { return n + "-" + given[n]; })).join("-");
      Object.keys(links).forEach(function (fmt) {
        var link = links[fmt];
        if (!link) { return; }
        if (!files) {
          link.setAttribute("href", statics[fmt][0]);
          link.setAttribute("download", statics[fmt][1]);
          return;
        }
        var url = URL.createObjectURL(new Blob([files[fmt]], {type: fmt === "csv" ? "text/csv" : "application/json"}));
        blobs.push(url);
        link.setAttribute("href", url);
        link.setAttribute("download", stem + "." + fmt);
      });
      if (!keep) {
        var hash = key === base ? "" : "#" + data.parameters.filter(function (n) { return given[n]; })
          .map(function (n) { return n + "=" + encodeURIComponent(given[n]); }).join("&");
        history.replaceState(null, "", location.pathname + location.search + hash);
      }
    }
    function fromHash() {
      var given = chosen();
      location.hash.replace(/^#/, "").split("&").forEach(function (part) {
        var at = part.indexOf("=");
        if (at < 1) { return; }
        var name = decodeURIComponent(part.slice(0, at)), value = decodeURIComponent(part.slice(at + 1));
        var select = selects[name];
        if (select && Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
          select.value = value;
          given[name] = value;
        }
      });
      return given;
    }
    form.hidden = false;
    form.addEventListener("change", function () { show(chosen(), false); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    window.addEventListener("hashchange", function () { show(fromHash(), true); });
    if (location.hash.length > 1) { show(fromHash(), true); }
    window.mhkgQuery = {
      files: function (given) { return query.files(given); },
      choose: function (given) {
        data.parameters.forEach(function (name) { selects[name].value = given[name] || ""; });
        show(chosen(), false);
        return chosen();
      }
    };
  }
  document.addEventListener("DOMContentLoaded", ready);
}());
