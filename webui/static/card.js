// A voter card's QR code opens /card#<code>. The code is after "#", which the browser never sends
// to the server (so it reaches no log); this posts it, once, and takes it off the address bar.
(function () {
  var code = decodeURIComponent((window.location.hash || "").slice(1));
  var form = document.getElementById("card-form");
  if (!code || !form) return;
  history.replaceState(null, "", window.location.pathname);
  form.elements.code.value = code;
  form.submit();
})();
