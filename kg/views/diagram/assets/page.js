/* mhkg interactive diagram. All text from the data is set with textContent, never as HTML.

   The view (what the legend hides, the years, the selected and expanded nodes, the zoom) is
   kept in the address's fragment, so that a copied link reopens it as it was. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("mhkg-data").textContent);
  var DIM_NODE = "rgba(190,190,190,0.35)";
  var DIM_EDGE = "rgba(200,200,200,0.25)";
  var DASHES = { dashed: [8, 5], dotted: [2, 4] };

  function tip(text) {
    var el = document.createElement("div");
    el.className = "mhkg-tip";
    el.textContent = text;
    return el;
  }
  var byId = {};
  var adjacent = {};
  cfg.nodes.forEach(function (n) {
    n._color = n.color;
    n._font = n.font || { color: "#222222" };
    n._tip = n.title;
    n.search = (n.label + " " + n.id + " " + (n.aliases || "")).toLowerCase();
    n.title = null;  // made when the node is first drawn
    byId[n.id] = n;
    adjacent[n.id] = [];
  });
  cfg.edges.forEach(function (e) {
    var c = e.color;
    e.color = e._color = { color: c, highlight: c, hover: c };
    e._hex = c;
    e._tip = e.title;
    e.title = null;  // made when the link is first drawn: a big graph has thousands
    adjacent[e.from].push(e);
    adjacent[e.to].push(e);
  });
  /* A big graph opens on its communities, collapsed: a group stands for its members until
     it is opened, and the links between two groups are drawn as one bundle. */
  var groups = cfg.groups || [];
  var groupById = {};
  groups.forEach(function (g) {
    g._color = g.color;
    g._font = g.font;
    g._tip = g.title;
    g.title = tip(g.title);
    g.members = [];
    groupById[g.id] = g;
  });
  cfg.nodes.forEach(function (n) { if (n.group) { groupById[n.group].members.push(n.id); } });
  var bundles = {};  // id -> the bundle item drawn now
  function item(id) { return byId[id] || groupById[id] || null; }

  var view = { types: new Set(), links: new Set(), verdicts: new Set(), years: null,
               waiting: new Set(cfg.reserve || []), selected: null, expanded: [],
               opened: [], ego: null, egoWaiting: [] };
  var nodes = null;
  var edges = null;
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: [], edges: [] }, cfg.options);
  var state = document.getElementById("state");
  var counts = document.getElementById("counts");
  var physicsButton = document.getElementById("physics");
  var physicsOn = false;
  var highlighted = null;
  var api = { network: network, ready: false, highlighted: null, view: view };
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

  // ---- what is shown ---------------------------------------------------------------------
  function passes(n) {
    if (view.waiting.has(n.id) || view.types.has(n.type)) { return false; }
    if (n.verdict && view.verdicts.has(n.verdict)) { return false; }
    if (view.years && n.year !== undefined && (n.year < view.years[0] || n.year > view.years[1])) {
      return false;
    }
    return true;
  }
  /* What stands for a node in the drawing: itself, its group while the group is closed,
     or nothing while it waits to be expanded into. */
  function proxy(id) {
    if (view.waiting.has(id)) { return null; }
    var group = byId[id].group;
    return group && view.opened.indexOf(group) < 0 ? group : id;
  }
  /* A node shows if it passes the filters and, had it links in the drawing, still has one
     (a node left dangling by the filters goes too). A link shows if its meaning is ticked
     and both its ends pass. A closed group shows if any of its members passes, and a bundle
     counts the links between two groups (or a group and a node) that would show. */
  function visibility() {
    var ok = {};
    cfg.nodes.forEach(function (n) { ok[n.id] = passes(n); });
    var had = {};
    var has = {};
    var edgeShown = {};
    var edgeIn = {};
    var bundled = {};
    cfg.edges.forEach(function (e) {
      var a = proxy(e.from), b = proxy(e.to);
      if (a === null || b === null) { return; }
      var pass = ok[e.from] && ok[e.to] && !view.links.has(e.meaning);
      if (a === e.from && b === e.to) {
        edgeIn[e.id] = true;
        had[e.from] = true; had[e.to] = true;
        edgeShown[e.id] = pass;
        if (pass) { has[e.from] = true; has[e.to] = true; }
      } else if (a !== b) {
        had[a] = true; had[b] = true;
        if (pass) {
          var key = a < b ? a + "\u0000" + b : b + "\u0000" + a;
          bundled[key] = (bundled[key] || 0) + 1;
          has[a] = true; has[b] = true;
        }
      }
    });
    var nodeShown = {};
    var nodeIn = {};
    var inside = {};  // group -> members that pass
    cfg.nodes.forEach(function (n) {
      var stand = proxy(n.id);
      if (stand === null) { return; }
      if (stand !== n.id) {
        if (ok[n.id]) { inside[stand] = (inside[stand] || 0) + 1; }
        return;
      }
      nodeIn[n.id] = true;
      nodeShown[n.id] = ok[n.id] && (!had[n.id] || has[n.id] || n.id === cfg.focus
                                     || n.id === view.selected);
    });
    var groupShown = {};
    groups.forEach(function (g) {
      if (view.opened.indexOf(g.id) >= 0) { return; }
      nodeIn[g.id] = true;
      groupShown[g.id] = nodeShown[g.id] = Boolean(inside[g.id])
        && (!had[g.id] || has[g.id] || g.id === view.selected);
    });
    Object.keys(edgeShown).forEach(function (id) {
      var e = cfg.edges[id];
      edgeShown[id] = edgeShown[id] && nodeShown[e.from] && nodeShown[e.to];
    });
    var bundleShown = {};
    Object.keys(bundled).forEach(function (key) {
      var ends = key.split("\u0000");
      if (nodeShown[ends[0]] && nodeShown[ends[1]]) { bundleShown[key] = bundled[key]; }
    });
    return { nodes: nodeShown, edges: edgeShown, nodeIn: nodeIn, edgeIn: edgeIn,
             groups: groupShown, inside: inside, bundles: bundleShown };
  }
  function bundleItem(key, count) {
    var ends = key.split("\u0000");
    var a = item(ends[0]), b = item(ends[1]);
    var text = count.toLocaleString("en-GB") + " link" + (count === 1 ? "" : "s") + " between "
      + a.label + " and " + b.label;
    var c = { color: "#9a9a9a", highlight: "#555555", hover: "#555555", opacity: 0.35 };
    return { id: "bundle:" + key, from: ends[0], to: ends[1], count: count, bundle: true,
             title: tip(text), _tip: text, color: c, _color: c, arrows: "",
             width: Math.min(1 + Math.log(count) * 1.5, 10), meaning: "bundle" };
  }
  var shown = null;
  var present = { nodes: {}, edges: {} };  // what the DataSets hold now: id -> hidden
  function edgeItem(e, hidden) {
    if (!e.title) { e.title = tip(e._tip); }
    e.hidden = hidden;
    return e;
  }
  function apply(settle) {
    var next = visibility();
    var changed = 0;
    var addNodes = [], updateNodes = [], removeNodes = [];
    Object.keys(next.nodeIn).forEach(function (id) {
      var hidden = !next.nodes[id];
      if (!(id in present.nodes)) {
        var it = item(id);
        if (!it.title) { it.title = tip(it._tip); }
        it.hidden = hidden;
        addNodes.push(it);
        changed++;
      } else if (present.nodes[id] !== hidden) {
        updateNodes.push({ id: id, hidden: hidden });
        changed++;
      }
    });
    Object.keys(present.nodes).forEach(function (id) {
      if (!next.nodeIn[id]) { removeNodes.push(id); changed++; }
    });
    var addEdges = [], updateEdges = [], removeEdges = [];
    var wanted = {};
    Object.keys(next.edgeIn).forEach(function (id) { wanted[id] = !next.edges[id]; });
    Object.keys(next.bundles).forEach(function (key) { wanted["bundle:" + key] = false; });
    Object.keys(wanted).forEach(function (id) {
      var isBundle = id.lastIndexOf("bundle:", 0) === 0;
      if (!(id in present.edges)) {
        if (isBundle) {
          var key = id.slice(7);
          bundles[id] = bundleItem(key, next.bundles[key]);
          addEdges.push(bundles[id]);
        } else {
          addEdges.push(edgeItem(cfg.edges[id], wanted[id]));
        }
      } else if (isBundle) {
        var k = id.slice(7);
        if (bundles[id].count !== next.bundles[k]) {
          bundles[id] = bundleItem(k, next.bundles[k]);
          updateEdges.push(bundles[id]);
        }
      } else if (present.edges[id] !== wanted[id]) {
        updateEdges.push({ id: Number(id), hidden: wanted[id] });
      }
    });
    Object.keys(present.edges).forEach(function (id) {
      if (!(id in wanted)) {
        removeEdges.push(id.lastIndexOf("bundle:", 0) === 0 ? id : Number(id));
        delete bundles[id];
      }
    });
    present = { nodes: {}, edges: wanted };
    Object.keys(next.nodeIn).forEach(function (id) { present.nodes[id] = !next.nodes[id]; });
    shown = next;
    if (!nodes) {  // the first time: the DataSets are made with what is drawn, no updates
      nodes = api.nodes = new vis.DataSet(addNodes);
      edges = api.edges = new vis.DataSet(addEdges);
    } else {
      if (removeEdges.length) { edges.remove(removeEdges); }
      if (removeNodes.length) { nodes.remove(removeNodes); }
      if (addNodes.length) { nodes.add(addNodes); }
      if (updateNodes.length) { nodes.update(updateNodes); }
      if (addEdges.length) { edges.add(addEdges); }
      if (updateEdges.length) { edges.update(updateEdges); }
    }
    var n = 0, m = 0, g = 0, b = 0;
    cfg.nodes.forEach(function (node) { if (next.nodes[node.id]) { n++; } });
    Object.keys(next.edges).forEach(function (k) { if (next.edges[k]) { m++; } });
    Object.keys(next.groups).forEach(function (k) { if (next.groups[k]) { g++; } });
    b = Object.keys(next.bundles).length;
    var perType = {};
    cfg.nodes.forEach(function (node) {
      var stand = proxy(node.id);
      if (next.nodes[node.id] || (stand !== node.id && stand !== null && next.groups[stand]
                                  && passes(node))) {
        perType[node.type] = (perType[node.type] || 0) + 1;
      }
    });
    Array.prototype.forEach.call(document.querySelectorAll("#legend-nodes li"), function (li) {
      var box = li.querySelector("input.kind");
      if (!box) { return; }
      var type = box.getAttribute("data-type");
      li.querySelector(".count").textContent = String(perType[type] || 0);
      li.classList.toggle("none-shown", !perType[type]);
    });
    var groupCount = document.querySelector("#legend-group .count");
    if (groupCount) { groupCount.textContent = String(g); }
    var perMeaning = {};
    cfg.edges.forEach(function (e) {
      if (next.edges[e.id]) { perMeaning[e.meaning] = true; }
    });
    Array.prototype.forEach.call(document.querySelectorAll("#legend-edges li"), function (li) {
      var box = li.querySelector("input.link");
      if (box) {
        li.classList.toggle("none-shown", groups.length ? false
          : !perMeaning[box.getAttribute("data-meaning")]);
      }
    });
    counts.setAttribute("data-shown-nodes", String(n));
    counts.setAttribute("data-shown-edges", String(m));
    counts.setAttribute("data-shown-groups", String(g));
    counts.setAttribute("data-shown-bundles", String(b));
    var all = cfg.nodes.length - (cfg.reserve || []).length;
    var text = n.toLocaleString("en-GB") + " nodes, " + m.toLocaleString("en-GB") + " links shown";
    if (groups.length && !view.ego) {
      text = g + " closed group" + (g === 1 ? "" : "s") + " and " + n.toLocaleString("en-GB")
        + " nodes shown, " + b.toLocaleString("en-GB") + " bundles and "
        + m.toLocaleString("en-GB") + " links, of " + cfg.nodes.length.toLocaleString("en-GB")
        + " nodes";
    } else if (view.ego) {
      text += ", of " + cfg.nodes.length.toLocaleString("en-GB") + " nodes";
    } else if (n !== all || m !== Number(counts.getAttribute("data-edges"))) {
      text += " (filtered or expanded)";
    }
    counts.textContent = text;
    if (settle && changed && cfg.settle && !physicsOn) {  // let the layout settle again
      network.setOptions({ physics: { enabled: true } });
      network.stabilize(120);
    }
  }
  network.on("stabilized", function () {
    if (!physicsOn) { network.setOptions({ physics: { enabled: false } }); }
  });

  // ---- the view in the address -----------------------------------------------------------
  function list(set) { return Array.from(set).sort().join("|"); }
  var hashTimer = null;
  function writeHash() {
    clearTimeout(hashTimer);
    hashTimer = setTimeout(function () {
      var p = new URLSearchParams();
      if (view.types.size) { p.set("hide", list(view.types)); }
      if (view.links.size) { p.set("links", list(view.links)); }
      if (view.verdicts.size) { p.set("verdicts", list(view.verdicts)); }
      if (view.years) { p.set("years", view.years[0] + "-" + view.years[1]); }
      if (view.ego) { p.set("focus", view.ego); }
      if (view.selected) { p.set("node", view.selected); }
      if (view.expanded.length) { p.set("open", view.expanded.join("|")); }
      if (view.opened.length && !view.ego) { p.set("groups", view.opened.join("|")); }
      var at = network.getViewPosition();
      p.set("zoom", [Math.round(at.x), Math.round(at.y),
                     network.getScale().toFixed(3)].join(","));
      history.replaceState(null, "", "#" + p.toString());
      api.hash = location.hash;
    }, 150);
  }
  /* An ego view asked for in the address (#focus=ID, as the explorer's pages link here):
     only the node and its neighbours are drawn at first, the node ringed at the centre and
     its neighbours round it; the rest waits to be expanded into, a neighbour at a time,
     each newcomer placed beyond the node that brought it in. */
  function neighbours(id) {
    var seen = {};
    return (adjacent[id] || []).map(function (e) { return e.from === id ? e.to : e.from; })
      .filter(function (other) {
        if (seen[other] || other === id) { return false; }
        seen[other] = true;
        return true;
      });
  }
  function byTypeAndLabel(a, b) {
    var x = byId[a], y = byId[b];
    return x.type < y.type ? -1 : x.type > y.type ? 1
      : x.label.localeCompare(y.label, "en-GB");
  }
  function placeAround(id, newcomers) {
    var at = byId[id];
    var centre = byId[view.ego] || at;
    var away = Math.atan2(at.y - centre.y, at.x - centre.x);
    var whole = id === view.ego;
    var count = newcomers.length;
    var radius = whole ? Math.max(300, count * 110 / (2 * Math.PI)) : 240;
    var spread = whole ? 2 * Math.PI : Math.min(Math.PI, 0.45 * count);
    newcomers.slice().sort(byTypeAndLabel).forEach(function (other, i) {
      var angle = whole ? -Math.PI / 2 + i * spread / count
        : away + (count === 1 ? 0 : -spread / 2 + i * spread / (count - 1));
      var r = whole ? radius : radius + (i % 2) * 60;
      byId[other].x = Math.round(at.x + 1.5 * r * Math.cos(angle));  // labels are wide
      byId[other].y = Math.round(at.y + r * Math.sin(angle));
    });
  }
  function startEgo(id) {
    var n = byId[id];
    view.ego = id;
    cfg.focus = id;
    view.opened = groups.map(function (g) { return g.id; });
    var near = neighbours(id);
    var keep = {};
    keep[id] = true;
    near.forEach(function (other) { keep[other] = true; });
    view.egoWaiting = cfg.nodes.filter(function (m) { return !keep[m.id]; })
      .map(function (m) { return m.id; });
    view.waiting = new Set(view.egoWaiting);
    n.x = 0;
    n.y = 0;
    placeAround(id, near);
    var fill = typeof n.color === "string" ? n.color : (n.color.background || "#999999");
    n.color = n._color = { background: fill, border: "#111111" };
    n.font = n._font = { bold: true, size: 16, color: "#222222" };
    n.size = Math.max(n.size || 16, 26);
    n.borderWidth = 4;
    n.focus = true;
    var note = document.createElement("p");
    note.className = "note";
    note.id = "ego-note";
    counts.parentNode.insertBefore(note, counts.nextSibling);
    var overview = document.getElementById("overview-note");
    if (overview) { overview.hidden = true; }
    // the heading says what is drawn: this entity and its neighbours, not the whole graph
    var heading = document.getElementById("title");
    if (heading) {
      if (!view.wholeTitle) { view.wholeTitle = heading.textContent; }
      heading.textContent = "Around " + n.label;
      document.title = heading.textContent + " — " + view.wholeTitle;
    }
    note.textContent = "Drawn: " + n.label + " and the " + near.length + " entit"
      + (near.length === 1 ? "y" : "ies") + " linked to it. Double-click a node, or use its"
      + " card, to bring in its neighbours. ";
    var whole = document.createElement("a");
    whole.href = location.pathname.split("/").pop() || "#";
    whole.textContent = "The whole graph";
    whole.className = "whole-graph";
    note.appendChild(whole);
  }
  function readHash() {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    function fill(into, name) {  // the same Set objects: the legend's handlers hold them
      into.clear();
      (p.get(name) || "").split("|").filter(Boolean).forEach(function (v) { into.add(v); });
    }
    fill(view.types, "hide");
    fill(view.links, "links");
    fill(view.verdicts, "verdicts");
    var years = /^(\d{4})-(\d{4})$/.exec(p.get("years") || "");
    view.years = years ? [Number(years[1]), Number(years[2])] : null;
    view.opened = (p.get("groups") || "").split("|").filter(function (id) {
      return groupById[id];
    });
    var ego = p.get("focus");
    if (ego && byId[ego] && (!cfg.focus || view.ego)) {
      if (view.ego !== ego) { startEgo(ego); }
      if (!p.get("node")) { p.set("node", ego); }
    }
    (p.get("open") || "").split("|").filter(function (id) { return byId[id]; })
      .forEach(function (id) { expand(id, true); });
    var node = p.get("node");
    view.selected = node && item(node) ? node : null;
    if (view.selected) { reveal(view.selected); }
    var zoom = (p.get("zoom") || "").split(",").map(Number);
    return zoom.length === 3 && zoom.every(isFinite) && zoom[2] > 0 ? zoom : null;
  }
  function syncControls() {
    Array.prototype.forEach.call(document.querySelectorAll("input.kind"), function (box) {
      box.checked = !view.types.has(box.getAttribute("data-type"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.link"), function (box) {
      box.checked = !view.links.has(box.getAttribute("data-meaning"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("input.verdict"), function (box) {
      box.checked = !view.verdicts.has(box.getAttribute("data-verdict"));
    });
    if (yearFrom && cfg.years) {
      var range = view.years || cfg.years;
      yearFrom.value = range[0];
      yearTo.value = range[1];
      yearOut.textContent = range[0] + "\u2013" + range[1];
    }
  }

  // ---- the card, the highlight, expanding ------------------------------------------------
  var card = document.getElementById("card");
  function line(parent, tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) { el.className = cls; }
    parent.appendChild(el);
    return el;
  }
  function waitingNeighbours(id) {
    if (!adjacent[id]) { return []; }
    return adjacent[id].map(function (e) { return e.from === id ? e.to : e.from; })
      .filter(function (other) { return view.waiting.has(other); });
  }
  function showCard(id) {
    while (card.firstChild) { card.removeChild(card.firstChild); }
    if (!id) { card.hidden = true; return; }
    var n = item(id);
    var lines = n._tip.split("\n");
    line(card, "h2", n.label);
    var actions;
    if (groupById[id]) {
      lines.slice(1, -1).forEach(function (text) { line(card, "p", text); });
      actions = line(card, "div", "", "actions");
      var open = line(actions, "button", "Open this group (" + n.members.length
        .toLocaleString("en-GB") + " nodes)");
      open.type = "button";
      open.className = "open-group";
      open.addEventListener("click", function () { openGroup(id); });
      card.hidden = false;
      return;
    }
    lines.slice(1).forEach(function (text) { line(card, "p", text); });
    line(card, "p", n.links + " link" + (n.links === 1 ? "" : "s") + ", " + n.evidence
      + " piece" + (n.evidence === 1 ? "" : "s") + " of evidence", "count");
    actions = line(card, "div", "", "actions");
    if (n.url) {
      var page = line(actions, "a", "Open its page");
      page.href = n.url;
      page.className = "page-link";
    }
    var more = waitingNeighbours(id);
    if (more.length) {
      var grow = line(actions, "button", "Show " + more.length + " more neighbour"
        + (more.length === 1 ? "" : "s"));
      grow.type = "button";
      grow.className = "expand";
      grow.addEventListener("click", function () { expand(id); });
    }
    if (n.group && view.opened.indexOf(n.group) >= 0 && !view.ego) {
      var close = line(actions, "button", "Close its group");
      close.type = "button";
      close.className = "close-group";
      close.addEventListener("click", function () { closeGroup(n.group); });
    }
    card.hidden = false;
  }
  function clearHighlight() {
    if (highlighted === null) { return; }
    highlighted = null;
    api.highlighted = null;
    nodes.update(nodes.getIds().map(function (id) {
      var n = item(id);
      return { id: id, color: n._color, font: n._font };
    }));
    edges.update(edges.getIds().map(function (id) { return { id: id, color: edgeOf(id)._color }; }));
    document.body.removeAttribute("data-highlight");
  }
  function highlight(id) {
    var keep = new Set(network.getConnectedNodes(id));
    keep.add(id);
    var near = new Set(network.getConnectedEdges(id));
    highlighted = id;
    api.highlighted = id;
    nodes.update(nodes.getIds().map(function (nid) {
      var n = item(nid);
      return keep.has(nid) ? { id: nid, color: n._color, font: n._font }
        : { id: nid, color: DIM_NODE, font: { color: "#c8c8c8" } };
    }));
    edges.update(edges.getIds().map(function (eid) {
      return { id: eid, color: near.has(eid) ? edgeOf(eid)._color : { color: DIM_EDGE } };
    }));
    document.body.setAttribute("data-highlight", String(id));
  }
  function edgeOf(id) { return typeof id === "number" ? cfg.edges[id] : bundles[id]; }
  /* Bring a node into the drawing if it is inside a closed group: open the group. */
  function reveal(id) {
    var stand = byId[id] ? proxy(id) : id;
    if (stand !== null && stand !== id && view.opened.indexOf(stand) < 0) {
      view.opened.push(stand);
      return true;
    }
    return false;
  }
  function openGroup(id, quiet) {
    if (view.opened.indexOf(id) < 0) { view.opened.push(id); }
    if (view.selected === id) { view.selected = null; showCard(null); }
    if (quiet) { return; }
    clearHighlight();
    apply(true);
    var members = groupById[id].members.filter(function (m) { return nodes.get(m); });
    if (members.length) { network.fit({ nodes: members, animation: false }); }
    writeHash();
  }
  function closeGroup(id) {
    view.opened = view.opened.filter(function (g) { return g !== id; });
    if (view.selected && byId[view.selected] && byId[view.selected].group === id) {
      view.selected = null;
    }
    clearHighlight();
    apply(true);
    select(id);
  }
  api.openGroup = openGroup;
  api.closeGroup = closeGroup;
  function select(id) {
    if (id && reveal(id)) { apply(false); }
    if (id && !nodes.get(id)) { id = null; }  // not in the drawing (an old address)
    view.selected = id;
    if (id) {
      highlight(id);
      network.selectNodes([id]);
    } else {
      clearHighlight();
      network.unselectAll();
    }
    showCard(id);
    writeHash();
  }
  function expand(id, quiet) {
    if (groupById[id]) { openGroup(id, quiet); return groupById[id].members.length; }
    var more = waitingNeighbours(id);
    if (view.ego) { placeAround(id, more); }
    more.forEach(function (other) { view.waiting.delete(other); });
    if (view.expanded.indexOf(id) < 0) { view.expanded.push(id); }
    if (!quiet) {
      apply(true);
      if (view.selected) { highlight(view.selected); showCard(view.selected); }
      writeHash();
    }
    return more.length;
  }
  api.select = select;
  api.expand = expand;
  network.on("click", function (params) {
    select(params.nodes.length ? params.nodes[0] : null);
  });
  network.on("doubleClick", function (params) {
    if (params.nodes.length) { expand(params.nodes[0]); }
  });
  network.on("dragEnd", writeHash);
  network.on("zoom", writeHash);
  document.getElementById("clear").addEventListener("click", function () { select(null); });

  // ---- the legend is the filter ----------------------------------------------------------
  function toggle(selector, attribute, set) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (box) {
      box.addEventListener("change", function () {
        var value = box.getAttribute(attribute);
        if (box.checked) { set.delete(value); } else { set.add(value); }
        apply(true);
        writeHash();
      });
    });
  }
  toggle("input.kind", "data-type", view.types);
  toggle("input.link", "data-meaning", view.links);
  toggle("input.verdict", "data-verdict", view.verdicts);
  var yearFrom = document.getElementById("year-from");
  var yearTo = document.getElementById("year-to");
  var yearOut = document.getElementById("year-range");
  function onYears(event) {
    var lo = Number(yearFrom.value), hi = Number(yearTo.value);
    if (lo > hi) {  // the handles cannot cross: the one moved pushes the other
      if (event && event.target === yearFrom) { yearTo.value = hi = lo; } else { yearFrom.value = lo = hi; }
    }
    view.years = lo === cfg.years[0] && hi === cfg.years[1] ? null : [lo, hi];
    yearOut.textContent = lo + "\u2013" + hi;
    apply(true);
    writeHash();
  }
  if (yearFrom) {
    yearFrom.addEventListener("input", onYears);
    yearTo.addEventListener("input", onYears);
  }
  document.getElementById("reset").addEventListener("click", function () {
    view.types.clear(); view.links.clear(); view.verdicts.clear(); view.years = null;
    view.waiting = new Set(view.ego ? view.egoWaiting : cfg.reserve || []);
    view.expanded = [];
    view.opened = view.ego ? groups.map(function (g) { return g.id; }) : [];
    syncControls();
    select(null);
    apply(false);
    network.fit();
    writeHash();
  });

  // ---- start -----------------------------------------------------------------------------
  var legendBox = document.getElementById("legend-box");
  if (legendBox && window.matchMedia && window.matchMedia("(max-width: 700px)").matches) {
    legendBox.open = false;  // a phone: the legend folds away under the drawing and its card
  }
  var zoom = readHash();
  window.mhkg.view = view;
  syncControls();
  network.once("afterDrawing", function () {
    if (view.selected) { select(view.selected); }
    ready();
  });
  apply(false);
  network.setData({ nodes: nodes, edges: edges });
  // placed before the first frame is drawn, so that a big graph is drawn once, not twice
  if (zoom) {
    network.moveTo({ position: { x: zoom[0], y: zoom[1] }, scale: zoom[2] });
  } else if (cfg.focus && !view.ego) {
    network.fit();
    network.focus(cfg.focus, { scale: Math.max(network.getScale(), 0.6) });
  } else {
    network.fit();
  }
  if (!cfg.nodes.length) {
    state.textContent = "nothing to draw: no nodes in this selection";
    ready();
  }
  window.addEventListener("hashchange", function () {  // a link to another view of this page
    if (location.hash !== api.hash) { location.reload(); }
  });
  physicsButton.addEventListener("click", function () { setPhysics(!physicsOn); });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });

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
    var found = cfg.nodes.filter(function (n) {
      if (n.search.indexOf(q) < 0) { return false; }
      var stand = proxy(n.id);
      return shown.nodes[n.id] || (stand !== null && stand !== n.id && shown.groups[stand]
                                   && passes(n));
    });
    found.sort(function (a, b) {
      var ea = a.label.toLowerCase() === q || a.id === q ? 0 : 1;
      var eb = b.label.toLowerCase() === q || b.id === q ? 0 : 1;
      return ea - eb || a.label.localeCompare(b.label);
    });
    searchStatus.textContent = found.length ? found.length + " found" : "nothing found";
    if (!found.length) { network.unselectAll(); return; }
    var drawn = found.filter(function (n) { return proxy(n.id) === n.id; });
    network.selectNodes(drawn.map(function (n) { return n.id; }));
    if (drawn.length) { network.focus(drawn[0].id, { scale: 1.2, animation: { duration: 300 } }); }
    found.slice(0, 25).forEach(function (n) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = n.label + (proxy(n.id) !== n.id ? " (in a closed group)" : "");
      button.addEventListener("click", function () { select(n.id); show(n.id); });
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

  // ---- save: PNG at twice the screen's size, and SVG, each with its title and legend ------
  function shownLegend() {
    var types = {}, links = {};
    cfg.nodes.forEach(function (n) { if (shown.nodes[n.id]) { types[n.type] = (types[n.type] || 0) + 1; } });
    cfg.edges.forEach(function (e) { if (shown.edges[e.id]) { links[e.meaning] = true; } });
    var closed = Object.keys(shown.groups).filter(function (g) { return shown.groups[g]; }).length;
    var out = {
      types: cfg.types.filter(function (t) { return types[t.type]; })
        .map(function (t) { return { name: t.name + " (" + types[t.type] + ")", colour: t.colour }; }),
      links: cfg.links.filter(function (l) { return links[l.meaning]; })
    };
    if (closed) {
      out.types.push({ name: "Community, collapsed (" + closed + ")", colour: "#BBBBBB" });
    }
    if (Object.keys(shown.bundles).length) {
      out.links.push({ meaning: "links between communities", colour: "#9a9a9a", dash: "solid" });
    }
    return out;
  }
  function download(name, href) {
    var link = document.createElement("a");
    link.download = name;
    link.href = href;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }
  function wrapText(ctx, text, width) {
    var words = text.split(" "), lines = [""];
    words.forEach(function (w) {
      var tryLine = lines[lines.length - 1] ? lines[lines.length - 1] + " " + w : w;
      if (ctx.measureText(tryLine).width > width && lines[lines.length - 1]) { lines.push(w); }
      else { lines[lines.length - 1] = tryLine; }
    });
    return lines;
  }
  function savePng(scale) {
    scale = scale || 2;
    var w = container.clientWidth, h = container.clientHeight;
    var at = { position: network.getViewPosition(), scale: network.getScale() };
    network.setSize(w * scale + "px", h * scale + "px");
    network.moveTo({ position: at.position, scale: at.scale * scale });
    network.redraw();
    var source = container.querySelector("canvas");
    var legend = shownLegend();
    var pad = 16 * scale, row = 20 * scale, legendW = 300 * scale;
    var probe = document.createElement("canvas").getContext("2d");
    probe.font = "bold " + (18 * scale) + "px sans-serif";
    var titleLines = wrapText(probe, cfg.title, w * scale + legendW - 2 * pad);
    var titleH = titleLines.length * 24 * scale + pad;
    var out = document.createElement("canvas");
    out.width = source.width + legendW;
    out.height = Math.max(source.height, (legend.types.length + legend.links.length + 2) * row + pad * 2) + titleH;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = "#111111";
    ctx.font = probe.font;
    ctx.textBaseline = "top";
    titleLines.forEach(function (text, i) { ctx.fillText(text, pad, pad + i * 24 * scale); });
    ctx.drawImage(source, 0, titleH);
    var x = source.width + pad, y = titleH + pad;
    ctx.font = (13 * scale) + "px sans-serif";
    ctx.textBaseline = "middle";
    legend.types.forEach(function (t) {
      ctx.fillStyle = t.colour;
      ctx.beginPath();
      ctx.arc(x + 8 * scale, y + row / 2, 6 * scale, 0, 2 * Math.PI);
      ctx.fill();
      ctx.fillStyle = "#222222";
      ctx.fillText(t.name, x + 24 * scale, y + row / 2);
      y += row;
    });
    y += row / 2;
    legend.links.forEach(function (l) {
      ctx.strokeStyle = l.colour;
      ctx.lineWidth = 3 * scale;
      ctx.setLineDash((DASHES[l.dash] || []).map(function (d) { return d * scale; }));
      ctx.beginPath();
      ctx.moveTo(x, y + row / 2);
      ctx.lineTo(x + 20 * scale, y + row / 2);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = "#222222";
      ctx.fillText(l.meaning, x + 28 * scale, y + row / 2);
      y += row;
    });
    var href = out.toDataURL("image/png");
    api.saved = { width: out.width, height: out.height, canvas: source.width };
    network.setSize("100%", "100%");
    network.moveTo(at);
    network.redraw();
    download(cfg.download + ".png", href);
  }
  var SVGNS = "http://www.w3.org/2000/svg";
  function el(name, attrs, text) {
    var e = document.createElementNS(SVGNS, name);
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function saveSvg() {
    var pos = network.getPositions();
    var ids = nodes.getIds().filter(function (id) { return shown.nodes[id]; });
    var xs = ids.map(function (id) { return pos[id].x; }), ys = ids.map(function (id) { return pos[id].y; });
    var x0 = Math.min.apply(null, xs.concat([0])) - 120, y0 = Math.min.apply(null, ys.concat([0])) - 60;
    var x1 = Math.max.apply(null, xs.concat([0])) + 120, y1 = Math.max.apply(null, ys.concat([0])) + 60;
    var legend = shownLegend();
    var legendW = 320, titleH = 50;
    var width = x1 - x0 + legendW, height = Math.max(y1 - y0, (legend.types.length + legend.links.length + 2) * 22) + titleH;
    var svg = el("svg", { xmlns: SVGNS, width: Math.round(width), height: Math.round(height),
                          viewBox: [0, 0, Math.round(width), Math.round(height)].join(" "),
                          "font-family": "DejaVu Sans, sans-serif" });
    svg.appendChild(el("rect", { width: "100%", height: "100%", fill: "#ffffff" }));
    svg.appendChild(el("text", { x: 16, y: 30, "font-size": 18, "font-weight": "bold", id: "title" }, cfg.title));
    var g = el("g", { transform: "translate(" + (-x0) + "," + (titleH - y0) + ")" });
    edges.getIds().forEach(function (id) {
      var e = edgeOf(id);
      if (e.bundle ? !shown.bundles[id.slice(7)] : !shown.edges[id]) { return; }
      var a = pos[e.from], b = pos[e.to];
      var attrs = { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: e._hex || e._color.color,
                    "stroke-width": e.width || 1.5 };
      if (DASHES[e.dash]) { attrs["stroke-dasharray"] = DASHES[e.dash].join(" "); }
      g.appendChild(el("line", attrs));
    });
    ids.forEach(function (id) {
      var n = item(id);
      var colour = typeof n._color === "string" ? n._color : n._color.background;
      var attrs = { cx: pos[id].x, cy: pos[id].y, r: (n.size || 16) / 2 + 4, fill: colour,
                    stroke: n.focus ? "#111111" : "#ffffff", "stroke-width": n.focus ? 4 : 1,
                    "data-id": id };
      g.appendChild(el("circle", attrs));
      g.appendChild(el("text", { x: pos[id].x, y: pos[id].y + (n.size || 16) / 2 + 18,
                                 "text-anchor": "middle", "font-size": 12 }, n.label));
    });
    svg.appendChild(g);
    var lg = el("g", { id: "legend", transform: "translate(" + (x1 - x0 + 16) + "," + (titleH + 10) + ")" });
    var y = 0;
    legend.types.forEach(function (t) {
      lg.appendChild(el("circle", { cx: 8, cy: y + 8, r: 6, fill: t.colour }));
      lg.appendChild(el("text", { x: 24, y: y + 12, "font-size": 13 }, t.name));
      y += 22;
    });
    y += 11;
    legend.links.forEach(function (l) {
      var attrs = { x1: 0, y1: y + 8, x2: 20, y2: y + 8, stroke: l.colour, "stroke-width": 3 };
      if (DASHES[l.dash]) { attrs["stroke-dasharray"] = DASHES[l.dash].join(" "); }
      lg.appendChild(el("line", attrs));
      lg.appendChild(el("text", { x: 28, y: y + 12, "font-size": 13 }, l.meaning));
      y += 22;
    });
    svg.appendChild(lg);
    var text = new XMLSerializer().serializeToString(svg);
    api.savedSvg = text;
    download(cfg.download + ".svg", "data:image/svg+xml;charset=utf-8," + encodeURIComponent(text));
  }
  document.getElementById("save-png").addEventListener("click", function () { savePng(2); });
  document.getElementById("save-svg").addEventListener("click", saveSvg);
}());
