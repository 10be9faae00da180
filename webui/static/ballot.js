/* The voter's page (webui/templates/ballot/vote.html), made to keep the voter informed.
 *
 * Plain ES5 and XMLHttpRequest, no build step: it must run in WeChat's built-in browser and in old
 * phones' WebViews. The page works without it (plain forms, a reload while no vote is open); this
 * adds, where it runs:
 *  - polling of the page's moving part (GET <token>/now with If-None-Match: 304 while nothing this
 *    voter sees has changed), swapped in place when the vote opens or closes;
 *  - a tap sent in the background: buttons disabled and "sending" said while it is in flight; a
 *    lost connection or a busy server said in the page, and the same form sent again until an
 *    answer arrives. Sending again is safe: the server records a repeated ballot once, and the
 *    form's random "attempt" lets a first secret ballot find its own codes (usecases/ballot.py).
 */
(function () {
  "use strict";
  var POLL_MS = 3000, RETRY_MS = [1000, 2000, 4000, 8000, 10000], TIMEOUT_MS = 20000;
  var voter = document.getElementById("voter");
  if (!voter || !window.XMLHttpRequest) { return; }
  var pending = null;   // {body, button} while a tap has not had its answer
  var tries = 0, retryTimer = null, pollTimer = null, pollFailures = 0;

  function now() { return document.getElementById("now"); }

  function say(text, failed) {
    var line = document.getElementById("send");
    if (!line) { return; }
    line.textContent = text;
    line.className = failed ? "send failed" : "send";
    line.setAttribute("role", failed ? "alert" : "status");
    line.hidden = !text;
  }

  function buttons(disabled) {
    var all = document.querySelectorAll("#now button.choice");
    for (var i = 0; i < all.length; i++) { all[i].disabled = disabled; }
    var box = document.querySelector("#now .choices");
    if (box) { box.setAttribute("aria-busy", disabled ? "true" : "false"); }
  }

  /* Put the server's newer moving part in place; bring the confirmation into view first. */
  function swap(html, afterTap) {
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var fresh = holder.querySelector("#now");
    var old = now();
    if (!fresh || !old) { return false; }
    old.parentNode.replaceChild(fresh, old);
    var flashes = document.querySelectorAll("main > .flash");
    for (var i = 0; i < flashes.length; i++) { flashes[i].parentNode.removeChild(flashes[i]); }
    // After the voter's own tap the confirmation is what they see first, and takes the focus so
    // that a screen reader says it.
    var confirm = document.getElementById("confirm");
    if (confirm && afterTap) {
      confirm.scrollIntoView(true);
      confirm.focus();
    } else {
      fresh.scrollIntoView(true);  // the vote opened or closed: its title, then what was counted
    }
    return true;
  }

  /* The answer to a tap is the whole page (the server redirects to it): take its moving part and
     any message it carries. */
  function fromPage(text) {
    var doc = new DOMParser().parseFromString(text, "text/html");
    var part = doc.getElementById("now");
    return {part: part ? part.outerHTML : null, flash: doc.querySelector("main > .flash")};
  }

  function send() {
    if (!pending) { return; }
    var xhr = new XMLHttpRequest();
    xhr.open("POST", pending.action, true);
    xhr.timeout = TIMEOUT_MS;
    xhr.setRequestHeader("Content-Type", "application/x-www-form-urlencoded");
    pending.inFlight = true;
    buttons(true);
    say(voter.getAttribute("data-sending"), false);
    xhr.onload = function () {
      pending.inFlight = false;
      if (xhr.status >= 500 || xhr.status === 429) { return failed(true); }
      var got = fromPage(xhr.responseText || "");
      pending = null;
      tries = 0;
      if (got.part && swap(got.part, true)) {
        if (got.flash) { now().parentNode.insertBefore(document.importNode(got.flash, true), now()); }
        return;
      }
      window.location.reload();  // not the voter's page (the link ended): the page says why
    };
    xhr.onerror = xhr.ontimeout = function () { pending.inFlight = false; failed(false); };
    xhr.send(pending.body);
  }

  function failed(busy) {
    say(voter.getAttribute(busy ? "data-busy" : "data-failed"), true);
    buttons(false);  // another tap may change the choice; it is sent at once, with the same attempt
    var wait = RETRY_MS[Math.min(tries, RETRY_MS.length - 1)];
    tries += 1;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(send, wait);
  }

  function encode(form, button) {
    var parts = [];
    var fields = form.querySelectorAll("input[type=hidden]");
    for (var i = 0; i < fields.length; i++) {
      parts.push(encodeURIComponent(fields[i].name) + "=" + encodeURIComponent(fields[i].value));
    }
    parts.push(encodeURIComponent(button.name) + "=" + encodeURIComponent(button.value));
    return parts.join("&");
  }

  document.addEventListener("click", function (event) {
    var button = event.target && event.target.closest ? event.target.closest("button.choice") : null;
    if (!button || button.disabled || !button.form) { return; }
    event.preventDefault();
    if (pending && pending.inFlight) { return; }
    clearTimeout(retryTimer);
    pending = {action: button.form.action, body: encode(button.form, button)};
    send();
  });

  window.addEventListener("online", function () {
    if (pending) { clearTimeout(retryTimer); send(); }
    poll();
  });

  function lost(shown) {
    var line = document.getElementById("link-lost");
    if (line) { line.hidden = !shown; }
  }

  function poll() {
    clearTimeout(pollTimer);
    var part = now();
    if (!part || pending || document.hidden) { return schedule(); }
    var xhr = new XMLHttpRequest();
    xhr.open("GET", part.getAttribute("data-poll"), true);
    xhr.timeout = TIMEOUT_MS;
    xhr.setRequestHeader("If-None-Match", '"' + part.getAttribute("data-tag") + '"');
    xhr.onload = function () {
      pollFailures = 0;
      lost(false);
      if (xhr.status === 200 && !pending) {
        swap(xhr.responseText, false);
      } else if (xhr.status === 404 || xhr.status === 410) {
        window.location.reload();  // the sitting ended: the page says so
        return;
      }
      schedule();
    };
    xhr.onerror = xhr.ontimeout = function () {
      pollFailures += 1;
      if (pollFailures >= 2) { lost(true); }
      schedule();
    };
    xhr.send();
  }

  function schedule() {
    clearTimeout(pollTimer);
    // A little jitter, so a thousand phones do not ask in the same instant.
    pollTimer = setTimeout(poll, POLL_MS + Math.floor(Math.random() * 1000));
  }

  schedule();
}());
