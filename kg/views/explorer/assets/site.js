/* mhkg explorer, every page: on a narrow screen the menu folds away behind a button.
   Loaded in the head, so the class that folds it is set before the first paint. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector(".menu-button");
    var header = document.querySelector(".site-header");
    if (!button || !header) { return; }
    button.addEventListener("click", function () {
      var open = !header.classList.contains("open");
      header.classList.toggle("open", open);
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = header.querySelector(".site-nav a");
        if (first) { first.focus(); }
      }
    });
  });
}());
