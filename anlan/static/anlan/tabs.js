// Tabs declared in HTML, no inline script (the Content-Security-Policy allows this site's files only):
//   <nav role="tablist" data-tabs>
//     <a href="?tab=KEY" role="tab" data-tab="KEY" aria-controls="panel-KEY" aria-selected="true|false">
//   <section role="tabpanel" id="panel-KEY" hidden>
// The links work without this script (the server shows the chosen panel). With it, a click shows the
// panel in place — what was typed in other panels stays — and the address keeps ?tab=KEY for reload and
// back-navigation. Left/Right/Home/End move between tabs (WAI-ARIA tabs pattern). A panel that is shown
// receives an "anlan:tabshown" event, so a map inside it can resize.
(function () {
  "use strict";

  document.querySelectorAll("[data-tabs]").forEach(function (list) {
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab][data-tab]"));

    function show(tab, focus) {
      tabs.forEach(function (other) {
        var on = other === tab;
        other.setAttribute("aria-selected", on ? "true" : "false");
        if (on) other.removeAttribute("tabindex");
        else other.setAttribute("tabindex", "-1");
        var panel = document.getElementById(other.getAttribute("aria-controls"));
        if (panel) panel.hidden = !on;
      });
      var shown = document.getElementById(tab.getAttribute("aria-controls"));
      if (shown) shown.dispatchEvent(new CustomEvent("anlan:tabshown", { bubbles: true }));
      var url = new URL(window.location.href);
      url.searchParams.set("tab", tab.dataset.tab);
      url.hash = "";
      window.history.replaceState(null, "", url.toString());
      if (focus) tab.focus();
    }

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // new tab/window
        event.preventDefault();
        show(tab, false);
      });
      tab.addEventListener("keydown", function (event) {
        var next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
        if (next === undefined) return;
        event.preventDefault();
        show(tabs[(next + tabs.length) % tabs.length], true);
      });
    });
  });
})();
