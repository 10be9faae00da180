/* The chair's console (webui/templates/hall/console.html), at the door with a scanner.
 *
 * A scanner types a card's number and Enter, and may read the next card before the answer to the
 * last one has come. So each check-in is taken from the box the moment it is submitted, the box is
 * emptied at once for the next card, and the check-ins are sent one after another in the order
 * read — none is dropped or sent twice. Each answer holds only the message and the new counts
 * (swapped in by htmx, with the row a search shows). Without this script (or htmx) the form posts
 * and the console reloads, as before.
 */
(function () {
  "use strict";
  var form = document.getElementById("check-in");
  var box = document.getElementById("who");
  var said = document.getElementById("door-said");
  if (!form || !box || !said || !window.XMLHttpRequest || !window.FormData) { return; }
  var queue = [], busy = false;

  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    var data = queue.shift();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.getAttribute("action"));
    xhr.setRequestHeader("HX-Request", "true");
    xhr.onload = function () {
      if (window.htmx && xhr.status === 200) {
        window.htmx.swap(said, xhr.responseText, {swapStyle: "innerHTML"});
      } else {
        said.textContent = xhr.status + " " + xhr.statusText;
      }
      busy = false;
      if (!queue.length && window.htmx) { window.htmx.trigger(document.body, "door-answered"); }  // the panel's quorum
      next();
    };
    xhr.onerror = function () {
      queue.unshift(data);  // not sent: try it again shortly, in its place
      busy = false;
      window.setTimeout(next, 1000);
    };
    xhr.send(data);
  }

  // Leaving the console with scans not yet answered would lose them: the browser asks first.
  window.addEventListener("beforeunload", function (event) {
    if (busy || queue.length) { event.preventDefault(); event.returnValue = ""; }
  });

  form.addEventListener("submit", function (event) {
    if (!window.htmx) { return; }  // no htmx to show the answer: the plain form posts
    event.preventDefault();
    var value = box.value.trim();
    if (!value) { return; }
    var data = new FormData(form);
    data.set("who", value);
    queue.push(data);
    box.value = "";
    box.focus();
    next();
  });
}());
