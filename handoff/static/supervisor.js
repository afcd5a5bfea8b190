/* Supervisor view: the figures update in place every 10 seconds (no page reload, so focus, scroll position
   and a screen reader's place are kept); the supervisor can switch it off. */
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  var status = document.getElementById("refreshed");
  function refresh() {
    if (!box.checked) { return; }
    fetch(location.href, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error("HTTP " + r.status); }
      return r.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("main.supervisor");
      var old = document.querySelector("main.supervisor");
      if (fresh && old) { old.replaceWith(fresh); }
      status.textContent = "Updated " + new Date().toLocaleTimeString() + ".";
    }).catch(function (e) { status.textContent = "Could not update (" + e.message + "); trying again."; });
  }
  setInterval(refresh, 10000);
})();
