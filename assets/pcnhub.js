/*
 * PCN Hub's page script, loaded as a module at the end of every page: starts the NHS.UK
 * frontend's components, and sets the sizes and positions that come from the data (timeline
 * bars, import progress) from their data-left and data-width percentages. Those go through the
 * CSSOM, which the Content-Security-Policy allows where it refuses style attributes; htmx runs
 * the same on every fragment it swaps in.
 */
import { initAll } from "./dist/nhsuk-frontend.min.js";

var PLACED = "[data-left], [data-width]";

function place(root) {
  var found = Array.prototype.slice.call(root.querySelectorAll(PLACED));
  if (root.matches && root.matches(PLACED)) {
    found.push(root);
  }
  found.forEach(function (element) {
    if (element.dataset.left) {
      element.style.left = element.dataset.left + "%";
    }
    if (element.dataset.width) {
      element.style.width = element.dataset.width + "%";
    }
  });
}

initAll();
place(document.body);
if (window.htmx) {
  window.htmx.onLoad(place);
}
