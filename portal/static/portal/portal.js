/* Every page (base.html). A table that is wider than a phone's screen scrolls inside its own
   box (portal.css); such a box takes the keyboard focus, so that it can be scrolled with the
   arrow keys too, and is named after its table's caption or the heading above it. Boxes that
   do not scroll stay out of the Tab order. */
(function () {
  "use strict";

  function label(table) {
    if (table.caption && table.caption.textContent.trim()) return null; // the caption names it
    var el = table.previousElementSibling;
    while (el && !/^H[1-6]$/.test(el.tagName)) el = el.previousElementSibling;
    if (!el && table.parentElement) {
      el = table.parentElement.querySelector("h1, h2, h3, h4");
    }
    return el ? el.textContent.trim() : null;
  }

  function update() {
    document.querySelectorAll("main table, main .table-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 && getComputedStyle(box).overflowX !== "visible";
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.scrollFocus = "1";
        var name = box.tagName === "TABLE" ? label(box) : null;
        if (name && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", name);
      } else if (!scrolls && box.dataset.scrollFocus) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollFocus;
      }
    });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) cancelAnimationFrame(pending);
    pending = requestAnimationFrame(update);
  });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", update);
  else update();
})();
