/* The chair's console (webui/templates/hall/console.html), at the door with a scanner.
 *
 * htmx posts the check-in form and shows only the answer (the message and the counts); this
 * empties the box and puts the cursor back in it after each answer, so the scanner's next card can
 * be read at once. Without it the form posts and the console reloads, as before.
 */
(function () {
  "use strict";
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail && event.detail.elt;
    if (!form || form.id !== "check-in") { return; }
    var box = document.getElementById("who");
    if (event.detail.successful) { box.value = ""; }
    box.focus();
  });
}());
