// The focal point of a library picture, set by clicking on it. The two number fields under the picture
// are the same setting for the keyboard: typing in them moves the marker, clicking fills them in.
(function () {
  "use strict";

  function setUp(picker) {
    var image = picker.querySelector("img");
    var marker = picker.querySelector(".focal-point-marker");
    var inputX = document.getElementById("id_focal_x");
    var inputY = document.getElementById("id_focal_y");
    if (!image || !marker || !inputX || !inputY) return;

    function clamp(value) {
      var number = parseFloat(value);
      if (isNaN(number)) return 0.5;
      return Math.min(1, Math.max(0, number));
    }

    function show() {
      marker.style.left = clamp(inputX.value) * 100 + "%";
      marker.style.top = clamp(inputY.value) * 100 + "%";
    }

    image.addEventListener("click", function (event) {
      var box = image.getBoundingClientRect();
      inputX.value = clamp((event.clientX - box.left) / box.width).toFixed(3);
      inputY.value = clamp((event.clientY - box.top) / box.height).toFixed(3);
      show();
    });
    inputX.addEventListener("input", show);
    inputY.addEventListener("input", show);
    picker.classList.add("is-ready");
    show();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-focal-point]").forEach(setUp);
  });
})();
