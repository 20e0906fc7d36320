// threadview's only script: enhancements. Every page works without it.
// - "copy link" buttons;
// - times also shown in the reader's own time zone;
// - keyboard: j/k next/previous comment, n/p next/previous thread,
//   c or Enter collapse/expand, ? the list of shortcuts;
// - printing expands every collapsed comment.
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
    area.className = "offscreen";
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

  // A "copy link" button beside each comment's permalink.
  document.querySelectorAll("a.permalink").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "copy link";
    button.setAttribute("data-href", link.getAttribute("href"));
    link.parentNode.appendChild(document.createTextNode(" "));
    link.parentNode.appendChild(button);
  });

  // "Copy link" buttons: `data-href` names the link; none means this view.
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    var label = button.textContent;
    button.hidden = false;
    button.addEventListener("click", function () {
      var href = button.getAttribute("data-href");
      var url = href ? new URL(href, window.location.href).href : window.location.href;
      copyText(url).then(
        function () {
          button.textContent = "Copied";
          button.setAttribute("data-copied", url);
        },
        function () { window.prompt("Copy this link:", url); }
      );
      window.setTimeout(function () { button.textContent = label; }, 1500);
    });
  });

  // Local times, beside the UTC ones (which stay in the markup and title).
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone !== "UTC" && zone !== "Etc/UTC") {
    var local = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
    document.querySelectorAll("time[datetime]").forEach(function (time) {
      var at = new Date(time.getAttribute("datetime"));
      if (isNaN(at.getTime())) { return; }
      var span = document.createElement("span");
      span.className = "local-time";
      span.textContent = " (" + local.format(at) + ")";
      time.after(span);
    });
  }

  // Keyboard navigation between comments.
  // A comment is shown unless a collapsed comment (or list) encloses it.
  function shown(li) { return !li.parentElement.closest("details:not([open])"); }
  function comments() {
    return Array.prototype.filter.call(document.querySelectorAll("li.comment"), shown);
  }
  function threads() {
    return comments().filter(function (li) {
      return li.parentElement.matches("ul.thread, ol.flat");
    });
  }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("li.comment") : null;
  }
  function focusComment(li) {
    if (!li) { return; }
    li.tabIndex = -1;
    li.focus();
    li.scrollIntoView({ block: "nearest" });
  }
  // The next (step 1) or previous (step -1) item of `list` from the focus.
  function move(list, step) {
    var at = current();
    if (!at) { return focusComment(step > 0 ? list[0] : list[list.length - 1]); }
    var all = comments();
    var here = all.indexOf(at);
    var candidates = list.filter(function (li) {
      var index = all.indexOf(li);
      return step > 0 ? index > here : index < here;
    });
    focusComment(step > 0 ? candidates[0] : candidates[candidates.length - 1]);
  }
  function toggle() {
    var at = current();
    var details = at && at.querySelector(":scope > details");
    if (details) {
      details.open = !details.open;
      focusComment(at);
    }
  }
  var dialog = document.getElementById("shortcuts");
  var hint = document.getElementById("shortcuts-hint");
  if (hint) { hint.hidden = false; }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) { return; }
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog")) { return; }
    var key = event.key;
    if (key === "Enter" && !(target.matches && target.matches("li.comment"))) { return; }
    var actions = {
      j: function () { move(comments(), 1); },
      k: function () { move(comments(), -1); },
      n: function () { move(threads(), 1); },
      p: function () { move(threads(), -1); },
      c: toggle,
      Enter: toggle,
      "?": function () { if (dialog && !dialog.open) { dialog.showModal(); } }
    };
    if (Object.prototype.hasOwnProperty.call(actions, key)) {
      event.preventDefault();
      actions[key]();
    }
  });

  // Printing shows every reply: collapsed comments open for the print and
  // close again after it.
  var reopened = [];
  window.addEventListener("beforeprint", function () {
    reopened = Array.prototype.filter.call(document.querySelectorAll("details:not([open])"), function (d) {
      d.open = true;
      return true;
    });
  });
  window.addEventListener("afterprint", function () {
    reopened.forEach(function (d) { d.open = false; });
    reopened = [];
  });
})();
