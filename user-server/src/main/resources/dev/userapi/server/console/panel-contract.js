// Panel 6: the two contracts side by side (the .proto and the OpenAPI document, both as this server
// serves them), buttons that run the shared client scenario through GrpcUserClient and
// RestUserClient in the server, and a live tail of the server's request log.

import { button, el } from './ui.js';
import { authHeaders, problemText, readEvents, readLines, session } from './http.js';

const TAIL = 200;

function clientRunner(kind, title) {
  const out = el('pre', { class: 'out run', id: `clients-${kind}-out`, tabindex: '0', 'aria-live': 'polite' });
  const run = button(`Run the scenario with ${title}`, async () => {
    run.disabled = true;
    out.textContent = '';
    delete out.dataset.outcome;
    try {
      const response = await fetch(`/console/api/clients/${kind}`, { method: 'POST', headers: authHeaders(), cache: 'no-store' });
      if (!response.ok) throw new Error(await problemText(response));
      let last = '';
      await readLines(response, (line) => {
        out.textContent += `${line}\n`;
        out.scrollTop = out.scrollHeight;
        if (line.trim()) last = line;
      });
      out.dataset.outcome = last.startsWith('scenario passed') ? 'passed' : 'failed';
    } catch (e) {
      out.textContent += `${e.message}\n`;
      out.dataset.outcome = 'failed';
    } finally {
      run.disabled = false;
    }
  }, { id: `clients-${kind}-run` });
  return el('div', { class: 'col' }, el('h3', {}, title), run, out);
}

export function contractPanel(section) {
  const info = session.info;
  const proto = el('pre', { class: 'out source', id: 'contract-proto', tabindex: '0' });
  const openapi = el('pre', { class: 'out source', id: 'contract-openapi', tabindex: '0' });
  proto.textContent = session.protos ? session.protos.sources['userapi/v1/user_service.proto'] : 'The .proto could not be loaded.';
  fetch('/api/openapi.yaml', { cache: 'no-store' })
    .then((r) => r.text())
    .then((text) => {
      openapi.textContent = text;
    });
  section.append(
    el('h2', {}, 'Contract and clients'),
    el('div', { class: 'split halves' },
      el('div', { class: 'col' }, el('h3', {}, 'user_service.proto (gRPC)'), proto),
      el('div', { class: 'col' }, el('h3', {}, 'openapi.yaml (REST)'), openapi)),
  );

  // Running the clients and the request log are the console's guarded tools.
  if (!info) return {};
  if (!info.tools) {
    section.append(el('p', { class: 'meta', id: 'clients-off' }, `Running the clients and the request log are off: ${info.toolsReason}`));
    return {};
  }
  section.append(
    el('h3', {}, 'Run the clients'),
    el('p', { class: 'hint' }, 'The server runs the shared scenario (create, get, update with etag, pages, stream, watch, errors) through each typed client against its own listeners; the output streams in as it is printed.'),
    el('div', { class: 'split halves' }, clientRunner('grpc', 'GrpcUserClient'), clientRunner('rest', 'RestUserClient')),
  );

  const rows = el('tbody', { id: 'log-rows' });
  const logState = el('p', { class: 'meta', id: 'log-state', role: 'status' });
  const logTable = el('table', { class: 'log' },
    el('caption', {}, 'Request log (newest first; never query strings, bodies or headers)'),
    el('thead', {}, el('tr', {}, ['time', 'protocol', 'method', 'path or rpc', 'status', 'µs'].map((h) => el('th', { scope: 'col' }, h)))),
    rows);
  section.append(el('h3', {}, 'Request log'), logState, el('div', { class: 'scroll' }, logTable));
  let tail = null;

  function follow() {
    if (tail) return;
    const controller = new AbortController();
    tail = controller;
    logState.textContent = 'Following…';
    readEvents('/console/api/log', (e) => {
      if (e.event !== 'request') return;
      const r = JSON.parse(e.data);
      rows.prepend(el('tr', {},
        el('td', {}, new Date(r.time).toLocaleTimeString()), el('td', {}, r.protocol), el('td', {}, r.method),
        el('td', {}, el('code', {}, r.target)), el('td', {}, String(r.status)), el('td', {}, String(r.micros))));
      while (rows.children.length > TAIL) rows.lastChild.remove();
    }, { signal: controller.signal })
      .catch((e) => {
        if (e.name !== 'AbortError') logState.textContent = `Stopped: ${e.message}`;
      })
      .finally(() => {
        if (tail === controller) tail = null;
      });
  }
  // A new token: follow again with it (the tail needs the admin scope when tokens are on).
  document.addEventListener('token-changed', () => {
    if (tail) tail.abort();
    tail = null;
    if (!section.hidden) follow();
  });
  return {
    shown: follow,
    hidden() {
      if (tail) tail.abort();
      tail = null;
      logState.textContent = 'Paused while the panel is hidden.';
    },
  };
}
