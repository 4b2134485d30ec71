// A signature drawn with a finger or mouse on a canvas, sent as a PNG data URL in a hidden input.
// Declarative (no inline script): <form data-signature-form> holding <canvas data-signature-pad>,
// <input data-signature-value>, a [data-signature-clear] button and a [data-signature-empty] hint.
(function () {
  "use strict";

  function setup(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var value = form.querySelector("[data-signature-value]");
    var hint = form.querySelector("[data-signature-empty]");
    var ctx = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;

    function fit() {
      // Draw at the device's pixel density so strokes stay sharp, on white (a transparent PNG shows black
      // in some viewers).
      var ratio = window.devicePixelRatio || 1;
      var rect = canvas.getBoundingClientRect();
      canvas.width = Math.max(1, Math.round(rect.width * ratio));
      canvas.height = Math.max(1, Math.round(rect.height * ratio));
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, rect.width, rect.height);
      ctx.lineWidth = 2.5;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.strokeStyle = "#111";
      drawn = false;
    }

    function point(e) {
      var rect = canvas.getBoundingClientRect();
      return { x: e.clientX - rect.left, y: e.clientY - rect.top };
    }

    canvas.addEventListener("pointerdown", function (e) {
      e.preventDefault();
      drawing = true;
      canvas.setPointerCapture(e.pointerId);
      var p = point(e);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
      ctx.lineTo(p.x + 0.1, p.y + 0.1);
      ctx.stroke();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      e.preventDefault();
      var p = point(e);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });
    form.querySelector("[data-signature-clear]").addEventListener("click", fit);
    form.addEventListener("submit", function (e) {
      if (!drawn) {
        e.preventDefault();
        if (hint) hint.hidden = false;
        return;
      }
      value.value = canvas.toDataURL("image/png");
    });
    fit();
  }

  document.querySelectorAll("[data-signature-form]").forEach(setup);
})();
