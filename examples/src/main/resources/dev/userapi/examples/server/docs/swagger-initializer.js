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
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout"
  });
};
