/* The one HTML-escape helper for every script that builds HTML from data. Leaflet's bindTooltip,
   bindPopup and divIcon take HTML strings, and names come from people (a region renamed to
   "<img onerror=…>" once ran script for everyone opening the warning editor): every value goes
   through anlanEscape before it becomes markup, text and attribute alike. */
(function () {
  "use strict";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" };
  window.anlanEscape = function (value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"'`]/g, function (c) {
      return ENTITIES[c];
    });
  };
})();
