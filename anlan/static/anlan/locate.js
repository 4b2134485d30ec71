// Fill longitude/latitude inputs from the phone's position (browsers report WGS84, the system Anlan stores).
// Declarative, so pages carry no inline script:
//   <p id="locate-status" data-locate data-lon=".lon" data-lat=".lat" [data-trigger="#button"]
//      data-unsupported="…" data-failed="…" data-done="已定位（精度约 {accuracy} 米）">
// Without data-trigger the position is taken when the page loads; every input matching the selectors is filled.
(function () {
  "use strict";

  function locate(status) {
    if (!navigator.geolocation) {
      status.textContent = status.dataset.unsupported || "此设备不支持定位";
      return;
    }
    status.textContent = status.dataset.pending || "定位中…";
    navigator.geolocation.getCurrentPosition(
      function (pos) {
        document.querySelectorAll(status.dataset.lon).forEach(function (input) {
          input.value = pos.coords.longitude.toFixed(6);
        });
        document.querySelectorAll(status.dataset.lat).forEach(function (input) {
          input.value = pos.coords.latitude.toFixed(6);
        });
        status.textContent = (status.dataset.done || "已定位").replace("{accuracy}", Math.round(pos.coords.accuracy));
        status.dataset.ready = "1";
      },
      function () {
        status.textContent = status.dataset.failed || "定位失败";
      },
      { enableHighAccuracy: true, timeout: 10000 }
    );
  }

  document.querySelectorAll("[data-locate]").forEach(function (status) {
    var trigger = status.dataset.trigger && document.querySelector(status.dataset.trigger);
    if (trigger) {
      trigger.addEventListener("click", function () { locate(status); });
    } else {
      locate(status);
    }
  });
})();
