/* Reads QR codes from the phone's camera, for the gate (expo/scanning/static/expo/gate.js)
 * and the exhibitors' lead scanner (expo/exhibitors/static/expo/lead-scan.js).
 *
 * Decoding is the browser's own BarcodeDetector where it has one that reads QR codes.
 * Elsewhere (Firefox, Safari on iPhone, desktop Chrome on Windows and Linux) it is the
 * `barcode-detector` ponyfill (ZXing-C++ compiled to WebAssembly, package.json), loaded by
 * the page before this file. Its .wasm comes from this site, never from the package's
 * default CDN: the page names its URL on this script's tag, as `data-zxing-wasm`.
 * Without either, `H22QrCamera.supported()` says no and the pages keep their typed-code
 * field, which a hand scanner also types into.
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

  // Read now: `document.currentScript` is only set while this file runs.
  var script = document.currentScript;
  var wasmUrl = script ? script.dataset.zxingWasm : "";
  var detectorClass = null; // the one `supported()` chose

  async function readsQr(Detector) {
    try {
      var formats = await Detector.getSupportedFormats();
      return formats.indexOf("qr_code") !== -1;
    } catch (error) {
      return false;
    }
  }

  /** The ponyfill's detector, its WebAssembly fetched from `wasmUrl`, or null. */
  function ponyfill() {
    var api = window.BarcodeDetectionAPI;
    if (!api || !wasmUrl || typeof WebAssembly !== "object") return null;
    api.prepareZXingModule({
      overrides: {
        locateFile: function (path, prefix) {
          return path.endsWith(".wasm") ? new URL(wasmUrl, document.baseURI).href : prefix + path;
        },
      },
    });
    return api.BarcodeDetector;
  }

  async function supported() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return false;
    if (detectorClass) return true;
    if ("BarcodeDetector" in window && (await readsQr(window.BarcodeDetector))) {
      detectorClass = window.BarcodeDetector;
    } else {
      detectorClass = ponyfill();
    }
    return detectorClass !== null;
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
    this.detector = new detectorClass({ formats: ["qr_code"] });
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
