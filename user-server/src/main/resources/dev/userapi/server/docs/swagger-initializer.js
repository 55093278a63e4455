// userapi: point Swagger UI at the server's own OpenAPI document (this file shadows the webjar's).
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: new URL("/api/openapi.yaml", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    // "Try it out" calls this server, whatever host and port the document's servers entry names.
    requestInterceptor: function (request) {
      var url = new URL(request.url, window.location.href);
      if (url.pathname.indexOf("/api/") === 0) {
        request.url = window.location.origin + url.pathname + url.search;
      }
      return request;
    },
    // The document names http://localhost:8080 as its server; show this server instead, so that
    // the Servers list and the generated curl lines match where the UI was loaded from.
    responseInterceptor: function (response) {
      if (response.url && response.url.indexOf("/api/openapi.yaml") >= 0 && typeof response.text === "string") {
        response.text = response.text.replace(/^servers:\n  - url: .*$/m, "servers:\n  - url: " + window.location.origin);
      }
      return response;
    },
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
