/* The projector (webui/templates/screen/): nobody scrolls a projector, so what does not fit shrinks.
 *
 * A long explanation (a villagers' meeting of 1,500 with its households' alternative, a long
 * motion) can run below the screen's edge at 1024×768. After the page loads and after every poll's
 * swap, this narrows the text read aloud first (to 70 %), then the numbers (to 60 %), until the page
 * fits; a shorter result grows back. Sizes are set through the CSSOM (--fit-text, --fit-num on
 * <body>), which the page's policy allows; without it the sizes stay as screen.css has them.
 */
(function () {
  "use strict";
  var body = document.body, doc = document.documentElement;

  function fits() {
    return doc.scrollHeight <= window.innerHeight + 1 && doc.scrollWidth <= window.innerWidth + 1;
  }

  function shrink(name, floor) {
    for (var scale = 1; scale >= floor - 0.001; scale -= 0.05) {
      body.style.setProperty(name, scale.toFixed(2));
      if (fits()) { return true; }
    }
    return false;
  }

  function fit() {
    body.style.setProperty("--fit-text", "1");
    body.style.setProperty("--fit-num", "1");
    if (!fits() && !shrink("--fit-text", 0.7)) { shrink("--fit-num", 0.6); }
  }

  fit();
  window.addEventListener("load", fit);  // the fonts, once loaded, may be wider than the fallback
  document.addEventListener("htmx:afterSwap", fit);
  window.addEventListener("resize", fit);
}());
