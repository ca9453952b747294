/* Reads QR codes from the phone's camera, for the gate (expo/bookings/static/expo/gate.js)
 * and the exhibitors' lead scanner (expo/exhibitors/static/expo/lead-scan.js).
 *
 * Decoding is the browser's own BarcodeDetector: no library to ship, and where a browser
 * lacks it (Firefox, desktop Linux, iOS before 17) `H22QrCamera.supported()` says no and
 * the pages keep their typed-code field, which a hand scanner also types into.
 *
 *   if (await H22QrCamera.supported()) {
 *     var camera = new H22QrCamera.Reader(videoElement, function (code) { ... });
 *     await camera.start();   // rejects when the camera cannot be opened
 *     camera.stop();
 *   }
 */
(function () {
  "use strict";

  var DETECT_EVERY_MS = 120;
  // The same QR stays in view for a while: hand it on once, not ten times a second.
  var SAME_CODE_QUIET_MS = 3000;

  async function supported() {
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return false;
    }
    try {
      var formats = await window.BarcodeDetector.getSupportedFormats();
      return formats.indexOf("qr_code") !== -1;
    } catch (error) {
      return false;
    }
  }

  function Reader(video, onCode) {
    this.video = video;
    this.onCode = onCode;
    this.stream = null;
    this.detector = null;
    this.lastCode = "";
    this.lastAt = 0;
  }

  Reader.prototype.start = async function () {
    this.stream = await navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" } },
      audio: false,
    });
    this.detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    this.video.srcObject = this.stream;
    await this.video.play().catch(function () {});
    this.loop();
  };

  Reader.prototype.loop = function () {
    var reader = this;
    if (!reader.stream) return;
    reader.detector
      .detect(reader.video)
      .then(function (codes) {
        if (!codes.length || !reader.stream) return;
        var value = codes[0].rawValue;
        var now = Date.now();
        if (value === reader.lastCode && now - reader.lastAt < SAME_CODE_QUIET_MS) return;
        reader.lastCode = value;
        reader.lastAt = now;
        reader.onCode(value);
      })
      .catch(function () {})
      .then(function () { setTimeout(function () { reader.loop(); }, DETECT_EVERY_MS); });
  };

  Reader.prototype.stop = function () {
    if (!this.stream) return;
    this.stream.getTracks().forEach(function (track) { track.stop(); });
    this.stream = null;
    this.video.srcObject = null;
  };

  Reader.prototype.running = function () {
    return this.stream !== null;
  };

  window.H22QrCamera = { supported: supported, Reader: Reader };
})();
