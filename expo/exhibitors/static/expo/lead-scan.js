/* The lead scanner at the stand (templates exhibitors/portal/lead_scan.html): the camera
 * reads the ticket's QR (static/expo/qr-camera.js, the gate's reader) into the code field
 * and sends the form; the server decides, by the visitor's consent, what is kept. Without
 * a camera (or WebAssembly) the page is a plain form: type the code under the QR. */
(function () {
  "use strict";

  function start() {
    var form = document.getElementById("lead-scan-form");
    var code = document.getElementById("id_code");
    var box = document.getElementById("camera");
    var video = document.getElementById("camera-video");
    var startButton = document.getElementById("camera-button");
    var stopButton = document.getElementById("camera-stop");
    var status = document.getElementById("camera-status");
    var texts = document.getElementById("camera-texts").dataset;
    if (!form || !window.H22QrCamera) return;

    var reader = new window.H22QrCamera.Reader(video, function (value) {
      reader.stop();
      status.textContent = texts.read;
      code.value = value;
      form.requestSubmit();
    });

    startButton.addEventListener("click", function () {
      reader.start().then(
        function () {
          box.hidden = false;
          startButton.hidden = true;
          status.textContent = texts.reading;
        },
        function () {
          status.textContent = texts.denied;
          code.focus();
        }
      );
    });
    stopButton.addEventListener("click", function () {
      reader.stop();
      box.hidden = true;
      startButton.hidden = false;
      status.textContent = "";
      startButton.focus();
    });

    window.H22QrCamera.supported().then(function (yes) {
      if (yes) startButton.hidden = false;
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
