// Loaded just before protobufjs, which looks for Node's require with eval("require") while it
// loads (and catches the failure). The page's Content-Security-Policy has no 'unsafe-eval', so the
// browser would refuse that eval and report a violation. While this guard is in place eval is a
// plain function that finds nothing, so the probe fails the same way without asking for eval.
// eval-unguard.js puts the browser's eval back once protobufjs has loaded.
(function () {
  'use strict';
  var browserEval = window.eval;
  window.eval = function noEvalWhileProtobufjsLoads() {
    return undefined;
  };
  window.__userapiBrowserEval = browserEval;
})();
