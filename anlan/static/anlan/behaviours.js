// Small page behaviours declared in HTML, so pages carry no inline script (the Content-Security-Policy
// allows scripts from this site's files only):
//   <form data-confirm="确认签发？">      asks before submitting
//   <button data-print>                 prints the page
//   <select data-autosubmit>            submits its form when changed
//   <select data-toggle-prefix="id_method"> with fields named <value>_* shows only the chosen value's fields
//   <select data-shows='{"3": ["a", "b"]}'> fields named in the map show only while an option naming them is chosen
//   <button data-menu-toggle aria-controls="sidebar"> opens/closes the menu drawer on phones
//                                       (<button data-menu-close> inside it and Escape close it)
//   <span class="file-pick"><input type="file">…<span data-file-state data-none="未选择文件">
//                                       names the chosen files in Chinese words (the browser's own
//                                       "No file chosen" follows its language; core.widgets)
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // A choice that decides which group of fields applies (e.g. LEC or matrix factors): fields whose name
  // starts with "<option value>_" are shown only while that option is chosen.
  document.querySelectorAll("select[data-field-groups]").forEach(function (select) {
    var form = select.form;
    var groups = Array.prototype.map.call(select.options, function (o) { return o.value; }).filter(Boolean);
    function sync() {
      form.querySelectorAll(".field").forEach(function (div) {
        var input = div.querySelector("select, input, textarea");
        if (!input || input === select) return;
        groups.forEach(function (group) {
          if (input.name.indexOf(group + "_") === 0) div.hidden = select.value !== group;
        });
      });
    }
    select.addEventListener("change", sync);
    sync();
  });

  // A choice that decides which extra fields apply (e.g. an incident's kind: 受害森林面积 for a forest fire): the
  // fields the map names are hidden unless the chosen option lists them. Without scripts all of them show.
  document.querySelectorAll("select[data-shows]").forEach(function (select) {
    var map = JSON.parse(select.dataset.shows);
    var names = {};
    Object.keys(map).forEach(function (key) {
      map[key].forEach(function (name) { names[name] = true; });
    });
    function sync() {
      var shown = map[select.value] || [];
      Object.keys(names).forEach(function (name) {
        var input = select.form.elements[name];
        var div = input && input.closest ? input.closest(".field") : null;
        if (div && !div.classList.contains("has-error")) div.hidden = shown.indexOf(name) < 0;
      });
    }
    select.addEventListener("change", sync);
    sync();
  });

  // File inputs: the control itself is transparent over the page's 选择文件 button; this line says what was chosen.
  document.querySelectorAll(".file-pick input[type=file]").forEach(function (input) {
    var state = input.parentNode.querySelector("[data-file-state]");
    if (!state) return;
    function sync() {
      var names = Array.prototype.map.call(input.files || [], function (f) { return f.name; });
      if (!names.length) state.textContent = state.dataset.none;
      else if (names.length === 1) state.textContent = "已选择：" + names[0];
      else state.textContent = "已选择 " + names.length + " 个文件：" + names.join("、");
    }
    input.addEventListener("change", sync);
    window.addEventListener("pageshow", sync);  // a file kept by the browser on going back
    sync();
  });

  // Phone menu: below 700 px the sidebar is hidden; the 菜单 button shows it as a drawer. aria-expanded
  // tells screen readers its state; focus moves into the drawer and back to the button on closing.
  var toggle = document.querySelector("[data-menu-toggle]");
  var drawer = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
  if (toggle && drawer) {
    var setOpen = function (open) {
      drawer.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var first = drawer.querySelector("a, button");
        if (first) first.focus();
      }
    };
    toggle.addEventListener("click", function () {
      setOpen(!drawer.classList.contains("open"));
    });
    drawer.querySelectorAll("[data-menu-close]").forEach(function (button) {
      button.addEventListener("click", function () { setOpen(false); toggle.focus(); });
    });
    // A tap on the dimmed page beside the drawer closes it, as on any phone app.
    document.addEventListener("click", function (event) {
      if (!drawer.classList.contains("open")) return;
      if (drawer.contains(event.target) || toggle.contains(event.target)) return;
      setOpen(false);
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && drawer.classList.contains("open")) { setOpen(false); toggle.focus(); }
    });
  }
})();
