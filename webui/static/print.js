// The printed notice's button. A file, not an onclick attribute: the Content-Security-Policy
// (webui/security.py) runs no inline script.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
