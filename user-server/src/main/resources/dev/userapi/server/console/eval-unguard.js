// See eval-guard.js: protobufjs has loaded, the browser's own eval comes back (the page never
// calls it; the Content-Security-Policy would refuse it anyway).
(function () {
  'use strict';
  window.eval = window.__userapiBrowserEval;
  delete window.__userapiBrowserEval;
})();
