// threadview's only script: enhancements. Every page works without it.
// - "copy link" buttons (over the network, the link carries the key);
// - times also shown in the reader's own time zone;
// - keyboard: j/k next/previous comment, n/p next/previous thread,
//   c or Enter collapse/expand, ? the list of shortcuts;
// - printing expands every collapsed comment;
// - while the archive is first read, its page follows the progress and
//   opens the page asked for when it is done;
// - in an exported site, the search page, from the Pagefind index.
(function () {
  "use strict";
  // The site's root: this script is in its `assets/` folder (an export) or
  // `/static/` (the server).
  var script = document.currentScript;
  var root = script ? new URL("../", script.src) : null;

  // The page that takes a shared link's key moves on to the shared page,
  // in its own place in the history.
  var onward = document.querySelector("[data-continue]");
  if (onward) {
    window.location.replace(onward.getAttribute("data-continue"));
    return;
  }

  // While the archive is first read: ask again every two seconds, show
  // the new figures, and open the page once it is served.
  var reading = document.querySelector("main[data-reading]");
  if (reading) {
    var again = function () {
      fetch(window.location.href, { cache: "no-store" }).then(function (response) {
        if (response.status !== 503) {
          window.location.reload();
          return;
        }
        return response.text().then(function (html) {
          var page = new DOMParser().parseFromString(html, "text/html");
          var fresh = page.querySelector("main[data-reading]");
          if (fresh) {
            reading.replaceChildren.apply(reading, Array.from(fresh.childNodes));
          }
          window.setTimeout(again, 2000);
        });
      }, function () {
        window.setTimeout(again, 2000);
      });
    };
    window.setTimeout(again, 2000);
    return;
  }

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

  // "Copy link" buttons: one beside each permalink, made here, and the
  // page's own; one delegated handler serves them all. `data-href` names
  // the link; none means this view.
  document.querySelectorAll("a.permalink").forEach(function (link) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-link";
    button.textContent = "copy link";
    button.setAttribute("data-href", link.getAttribute("href"));
    link.after(" ", button);
  });
  document.querySelectorAll("button.copy-link").forEach(function (button) {
    button.hidden = false;
  });
  // Over the network, a shared link carries the server's key, so that it
  // opens for the one it is sent to (the cookie that holds the key cannot
  // be read by scripts: the server says it at /api/share). On this
  // machine, and in an export, links go as they are. Asked once, at load,
  // so that a click copies at once.
  var served = script && /\/static\/app\.js$/.test(new URL(script.src).pathname);
  var onThisMachine = /^(localhost|.+\.localhost|127\.\d+\.\d+\.\d+|\[::1\])$/.test(window.location.hostname);
  var shareKey = null;
  if (served && !onThisMachine && document.querySelector("button.copy-link")) {
    fetch(new URL("../api/share", script.src), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (answer) { shareKey = answer.key || null; }, function () {});
  }
  function withKey(url) {
    if (!shareKey) { return url; }
    var parsed = new URL(url);
    var hash = parsed.hash;
    var rest = parsed.href.slice(0, parsed.href.length - hash.length);
    return rest + (parsed.search ? "&" : "?") + "key=" + encodeURIComponent(shareKey) + hash;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy-link");
    if (!button) { return; }
    var label = button.getAttribute("data-label") || button.textContent;
    button.setAttribute("data-label", label);
    var href = button.getAttribute("data-href");
    var url = withKey(href ? new URL(href, window.location.href).href : window.location.href);
    copyText(url).then(
      function () {
        button.textContent = "Copied";
        button.setAttribute("data-copied", url);
      },
      function () { window.prompt("Copy this link:", url); }
    );
    window.setTimeout(function () { button.textContent = label; }, 1500);
  });

  // An old link to a comment that is now on another page of the thread:
  // the comment's own page shows it.
  function findComment() {
    var wanted = window.location.hash;
    var discussion = document.querySelector("[data-discussion]");
    if (discussion && /^#c-[0-9a-z]+$/.test(wanted) && !document.getElementById(wanted.slice(1))) {
      var id = wanted.slice(3);
      window.location.replace(discussion.getAttribute("data-discussion") + "/c/" + id + "#c-" + id);
    }
  }
  findComment();
  window.addEventListener("hashchange", findComment);

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
  // The next (step 1) or previous (step -1) item of `list` from the focus;
  // past the end of the page, the next or previous page, focused on its
  // first or last comment.
  function move(list, step) {
    var at = current();
    var target;
    if (!at) {
      target = step > 0 ? list[0] : list[list.length - 1];
    } else {
      var all = comments();
      var here = all.indexOf(at);
      var candidates = list.filter(function (li) {
        var index = all.indexOf(li);
        return step > 0 ? index > here : index < here;
      });
      target = step > 0 ? candidates[0] : candidates[candidates.length - 1];
    }
    if (target) { return focusComment(target); }
    var page = document.querySelector(step > 0 ? "a[rel=next]" : "a[rel=prev]");
    if (page) {
      try { window.sessionStorage.setItem("threadview-focus", step > 0 ? "first" : "last"); } catch (e) { /* private mode */ }
      window.location.href = page.href;
    }
  }
  // Arriving from the keyboard on the previous or next page.
  var arriving = null;
  try {
    arriving = window.sessionStorage.getItem("threadview-focus");
    window.sessionStorage.removeItem("threadview-focus");
  } catch (e) { arriving = null; }
  if (arriving) {
    var list = comments();
    focusComment(arriving === "first" ? list[0] : list[list.length - 1]);
  }
  function toggle() {
    var at = current();
    var details = at && at.querySelector(":scope > details");
    if (details) {
      details.open = !details.open;
      focusComment(at);
    }
  }
  // The list of shortcuts: made here, since only the script has them.
  var dialog = document.createElement("dialog");
  dialog.id = "shortcuts";
  dialog.setAttribute("aria-labelledby", "shortcuts-title");
  var title = document.createElement("h2");
  title.id = "shortcuts-title";
  title.textContent = "Keyboard shortcuts";
  var list = document.createElement("dl");
  [
    [["j", "k"], "next / previous comment"],
    [["n", "p"], "next / previous top-level thread"],
    [["c", "Enter"], "collapse or expand the comment"],
    [["?"], "this list"]
  ].forEach(function (row) {
    var dt = document.createElement("dt");
    row[0].forEach(function (key, i) {
      if (i > 0) { dt.append(key === "Enter" ? " or " : " / "); }
      var kbd = document.createElement("kbd");
      kbd.textContent = key;
      dt.appendChild(kbd);
    });
    var dd = document.createElement("dd");
    dd.textContent = row[1];
    list.append(dt, dd);
  });
  var close = document.createElement("form");
  close.method = "dialog";
  var closeButton = document.createElement("button");
  closeButton.type = "submit";
  closeButton.textContent = "Close";
  close.appendChild(closeButton);
  dialog.append(title, list, close);
  document.body.appendChild(dialog);
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

  // An exported site's search page: Pagefind's index, read in the
  // browser. Each result links to the comment that matched, found among
  // the page's anchors (`c-…`) before the first match.
  var results = document.getElementById("static-results");
  var status = document.getElementById("static-status");
  if (results && status && root) {
    var query = new URLSearchParams(window.location.search).get("q") || "";
    var box = document.getElementById("q");
    if (box) { box.value = query; }
    if (!query.trim()) {
      status.textContent = "Type words to find in the archive's threads.";
    } else {
      status.textContent = "Searching…";
      // A large archive is indexed in several bundles, merged here.
      var bundles = (results.getAttribute("data-bundles") || "pagefind/").split(" ");
      import(new URL(bundles[0] + "pagefind.js", root).href).then(function (pagefind) {
        return Promise.resolve(pagefind.options({ baseUrl: root.pathname })).then(function () {
          return bundles.slice(1).reduce(function (merged, bundle) {
            return merged.then(function () {
              return pagefind.mergeIndex(new URL(bundle, root).href, { baseUrl: root.pathname });
            });
          }, Promise.resolve());
        }).then(function () { return pagefind.search(query); });
      }).then(function (search) {
        var shown = 0;
        var more = document.createElement("button");
        more.type = "button";
        more.textContent = "More results";
        more.hidden = true;
        results.after(more);
        function showMore() {
          var next = search.results.slice(shown, shown + 20);
          shown += next.length;
          more.hidden = shown >= search.results.length;
          return Promise.all(next.map(function (r) { return r.data(); })).then(function (pages) {
            pages.forEach(function (page) { results.appendChild(resultItem(page)); });
          });
        }
        more.addEventListener("click", showMore);
        var count = search.results.length;
        status.textContent = count === 0
          ? "No page matches “" + query + "”."
          : count + (count === 1 ? " page matches" : " pages match") + " “" + query + "”.";
        return showMore();
      }).catch(function () {
        status.textContent = window.location.protocol === "file:"
          ? "Search needs the site served by a web server: a page opened from disk cannot read the search index. Every discussion is still listed on the front page."
          : "The search index could not be loaded.";
      });
    }
  }
  // One search result: the page's title, linked to the first comment that
  // matched, and the excerpt with its matches marked. The excerpt is read
  // as inert HTML and only its text and <mark>s are kept.
  function resultItem(page) {
    var first = page.locations && page.locations.length ? page.locations[0] : 0;
    var anchor = null;
    (page.anchors || []).forEach(function (a) {
      if (/^c-/.test(a.id) && a.location <= first && (!anchor || a.location >= anchor.location)) { anchor = a; }
    });
    var li = document.createElement("li");
    li.className = "result";
    var link = document.createElement("a");
    link.href = page.url + (anchor ? "#" + anchor.id : "");
    link.textContent = (page.meta && page.meta.title) || page.url;
    var heading = document.createElement("p");
    heading.className = "result-title";
    heading.appendChild(link);
    var excerpt = document.createElement("p");
    excerpt.className = "excerpt";
    var parsed = new DOMParser().parseFromString(page.excerpt || "", "text/html");
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        excerpt.appendChild(mark);
      } else {
        excerpt.appendChild(document.createTextNode(node.textContent));
      }
    });
    li.appendChild(heading);
    li.appendChild(excerpt);
    return li;
  }

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
