/* mhkg interactive diagram. All text from the data is set with textContent, never as HTML. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("mhkg-data").textContent);
  var DIM_NODE = "rgba(190,190,190,0.35)";
  var DIM_EDGE = "rgba(200,200,200,0.25)";

  function tip(text) {
    var el = document.createElement("div");
    el.className = "mhkg-tip";
    el.textContent = text;
    return el;
  }
  cfg.nodes.forEach(function (n) {
    n._color = n.color;
    n.search = (n.label + " " + n.id + " " + (n.aliases || "")).toLowerCase();
    n.title = tip(n.title);
  });
  cfg.edges.forEach(function (e) {
    var c = e.color;
    e.color = e._color = { color: c, highlight: c, hover: c };
    e.title = tip(e.title);
  });

  var nodes = new vis.DataSet(cfg.nodes);
  var edges = new vis.DataSet(cfg.edges);
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: [], edges: [] }, cfg.options);
  var state = document.getElementById("state");
  var physicsButton = document.getElementById("physics");
  var physicsOn = cfg.physics;
  var highlighted = null;
  var api = { network: network, nodes: nodes, edges: edges, ready: false, highlighted: null };
  window.mhkg = api;

  function setPhysics(on) {
    physicsOn = on;
    network.setOptions({ physics: { enabled: on } });
    physicsButton.setAttribute("aria-pressed", on ? "true" : "false");
    state.textContent = on ? "layout moving\u2026" : "";
  }
  function ready() {
    if (api.ready) { return; }
    api.ready = true;
    document.body.setAttribute("data-ready", "true");
  }

  // Listen before the data goes in: stabilisation may finish within setData.
  network.on("stabilizationProgress", function (p) {
    state.textContent = "laying out\u2026 " + Math.round(100 * p.iterations / p.total) + "%";
  });
  network.once("stabilizationIterationsDone", function () {
    setPhysics(false);
    network.fit();
    ready();
  });
  network.once("afterDrawing", function () { if (!cfg.physics) { ready(); } });
  network.setData({ nodes: nodes, edges: edges });
  if (!cfg.nodes.length) {
    setPhysics(false);
    state.textContent = "nothing to draw: no nodes in this selection";
    ready();
  } else if (cfg.physics) {
    state.textContent = "laying out\u2026";
  } else {
    network.fit();
  }

  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });

  // ---- highlight a node's neighbours -----------------------------------------------------
  function clearHighlight() {
    if (highlighted === null) { return; }
    highlighted = null;
    api.highlighted = null;
    nodes.update(nodes.get().map(function (n) {
      return { id: n.id, color: n._color, font: { color: "#222222" } };
    }));
    edges.update(edges.get().map(function (e) { return { id: e.id, color: e._color }; }));
    document.body.removeAttribute("data-highlight");
  }
  function highlight(id) {
    var keep = new Set(network.getConnectedNodes(id));
    keep.add(id);
    var near = new Set(network.getConnectedEdges(id));
    highlighted = id;
    api.highlighted = id;
    nodes.update(nodes.get().map(function (n) {
      return keep.has(n.id) ? { id: n.id, color: n._color, font: { color: "#222222" } }
        : { id: n.id, color: DIM_NODE, font: { color: "#c8c8c8" } };
    }));
    edges.update(edges.get().map(function (e) {
      return { id: e.id, color: near.has(e.id) ? e._color : { color: DIM_EDGE } };
    }));
    document.body.setAttribute("data-highlight", String(id));
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { clearHighlight(); return; }
    var url = nodes.get(params.nodes[0]).url;  // a page of a site: open it
    if (url) { window.location.href = url; return; }
    highlight(params.nodes[0]);
  });
  document.getElementById("clear").addEventListener("click", function () {
    clearHighlight();
    network.unselectAll();
  });

  // ---- filter by kind --------------------------------------------------------------------
  function updateCounts() {
    var shown = nodes.get({ filter: function (n) { return !n.hidden; } }).length;
    state.textContent = shown === cfg.nodes.length ? "" : shown + " of " + cfg.nodes.length + " nodes shown";
  }
  Array.prototype.forEach.call(document.querySelectorAll("input.kind"), function (box) {
    box.addEventListener("change", function () {
      var type = box.getAttribute("data-type");
      nodes.update(nodes.get({ filter: function (n) { return n.type === type; } })
        .map(function (n) { return { id: n.id, hidden: !box.checked }; }));
      updateCounts();
    });
  });

  // ---- search ----------------------------------------------------------------------------
  var search = document.getElementById("search");
  var searchStatus = document.getElementById("search-status");
  var results = document.getElementById("results");
  function show(id) {
    network.selectNodes([id]);
    network.focus(id, { scale: 1.2, animation: { duration: 300 } });
  }
  function runSearch() {
    var q = search.value.trim().toLowerCase();
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (!q) { searchStatus.textContent = ""; network.unselectAll(); return; }
    var found = nodes.get({ filter: function (n) { return !n.hidden && n.search.indexOf(q) >= 0; } });
    found.sort(function (a, b) {
      var ea = a.label.toLowerCase() === q || a.id === q ? 0 : 1;
      var eb = b.label.toLowerCase() === q || b.id === q ? 0 : 1;
      return ea - eb || a.label.localeCompare(b.label);
    });
    searchStatus.textContent = found.length ? found.length + " found" : "nothing found";
    if (!found.length) { network.unselectAll(); return; }
    network.selectNodes(found.map(function (n) { return n.id; }));
    network.focus(found[0].id, { scale: 1.2, animation: { duration: 300 } });
    found.slice(0, 25).forEach(function (n) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = n.label;
      button.addEventListener("click", function () { show(n.id); });
      li.appendChild(button);
      if (n.url) {
        var page = document.createElement("a");
        page.href = n.url;
        page.className = "page-link";
        page.textContent = "open page";
        li.appendChild(document.createTextNode(" "));
        li.appendChild(page);
      }
      results.appendChild(li);
    });
  }
  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(runSearch, 150);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { clearTimeout(timer); runSearch(); }
  });

  // ---- save PNG --------------------------------------------------------------------------
  document.getElementById("save-png").addEventListener("click", function () {
    var source = container.querySelector("canvas");
    var out = document.createElement("canvas");
    out.width = source.width;
    out.height = source.height;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(source, 0, 0);
    var link = document.createElement("a");
    link.download = cfg.download + ".png";
    link.href = out.toDataURL("image/png");
    document.body.appendChild(link);
    link.click();
    link.remove();
  });
}());
