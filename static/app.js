// threadview's only script: small enhancements. Every page works without it.
(function () {
  "use strict";

  // Copies with the Clipboard API where the page is a secure context
  // (localhost), and with a hidden text area elsewhere (a LAN address).
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  // "Copy link" buttons: `data-href` names the link, none means this view.
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var href = button.getAttribute("data-href");
      var url = href ? new URL(href, window.location.href).href : window.location.href;
      copyText(url).then(
        function () { button.textContent = "Copied"; },
        function () { window.prompt("Copy this link:", url); }
      );
      window.setTimeout(function () { button.textContent = label; }, 1500);
    });
  });
})();
