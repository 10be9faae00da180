/* The projector (webui/templates/screen/): nobody scrolls a projector, so what does not fit shrinks.
 *
 * A long explanation (a villagers' meeting of 1,500 with its households' alternative, a long
 * motion) can run below the screen's edge at 1024×768. After the page loads and after every poll's
 * swap, this narrows the text read aloud (to 70 % at most) and the numbers (to 60 %) together until the
 * page fits; a shorter result grows back. Sizes are set through the CSSOM (--fit-text, --fit-num on
 * <body>), which the page's policy allows; without it the sizes stay as screen.css has them.
 */
(function () {
  "use strict";
  var body = document.body, doc = document.documentElement;

  function fits() {
    return doc.scrollHeight <= window.innerHeight + 1 && doc.scrollWidth <= window.innerWidth + 1;
  }

  function fit() {
    // The text read aloud and the numbers shrink together, step by step, the text to 70 % at
    // least, the numbers to 60 %: neither gets tiny while the other stays huge.
    for (var step = 0; step <= 8; step += 1) {
      body.style.setProperty("--fit-text", Math.max(0.7, 1 - 0.05 * step).toFixed(2));
      body.style.setProperty("--fit-num", Math.max(0.6, 1 - 0.05 * step).toFixed(2));
      if (fits()) { return; }
    }
  }

  fit();
  window.addEventListener("load", fit);  // the fonts, once loaded, may be wider than the fallback
  document.addEventListener("htmx:afterSwap", fit);
  window.addEventListener("resize", fit);
}());
