// Panel 4: changes as they happen over both protocols (SSE from /api/users:watch, gRPC-Web
// WatchUsers), a button that writes from the server's side, and all users streamed as NDJSON
// against StreamUsers with users per second.

import { button, bytes, el, millis } from './ui.js';
import { api, authHeaders, readEvents, readLines, session } from './http.js';
import { call } from './grpcweb.js';
import { measured } from './panel-compare.js';

const MAX_SHOWN = 50;

function eventRow(kind, sequence, user) {
  const time = new Date().toLocaleTimeString();
  return el('li', { class: `event ${String(kind).toLowerCase()}` },
    el('span', { class: 'when' }, time), ' ',
    el('strong', {}, String(kind).toUpperCase()), ` #${sequence} `,
    el('span', { class: 'who' }, user ? `${user.name} <${user.email}>` : ''));
}

function column(id, title, note) {
  const state = el('p', { class: 'meta', id: `${id}-state`, role: 'status' }, 'Not watching.');
  const list = el('ol', { class: 'events', id: `${id}-events`, 'aria-live': 'polite', reversed: true });
  const box = el('div', { class: 'col' }, el('h3', {}, title), el('p', { class: 'hint' }, note), state, list);
  return {
    box,
    state,
    add(kind, sequence, user) {
      list.prepend(eventRow(kind, sequence, user));
      while (list.children.length > MAX_SHOWN) list.lastChild.remove();
    },
  };
}

async function streamRest(onCount) {
  const start = performance.now();
  const response = await fetch('/api/users:stream', { headers: { Accept: 'application/x-ndjson', ...authHeaders() }, cache: 'no-store' });
  if (!response.ok) throw new Error(`REST answered ${response.status}`);
  let users = 0;
  let size = 0;
  await readLines(response, (line) => {
    size += new TextEncoder().encode(line).length + 1;
    if (line.trim()) {
      users += 1;
      if (users % 500 === 0) onCount(users);
    }
  });
  return { users, bytes: size, ms: performance.now() - start };
}

async function streamGrpc(onCount) {
  const start = performance.now();
  let users = 0;
  let size = 0;
  const result = await call(session.protos.root, 'StreamUsers', {}, {
    onMessage: (json, raw) => {
      users += 1;
      size += raw.length + 5;
      if (users % 500 === 0) onCount(users);
    },
  });
  if (result.code !== 0) throw new Error(`gRPC answered ${result.codeName}: ${result.message}`);
  return { users, bytes: size, ms: performance.now() - start };
}

export function livePanel(section) {
  const sse = column('live-sse', 'REST: Server-Sent Events', 'GET /api/users:watch, read with fetch() so that it can carry a token');
  const grpc = column('live-grpc', 'gRPC-Web: WatchUsers', 'server streaming, one UserEvent message per change');
  let watching = null;

  async function watch() {
    stop();
    const controller = new AbortController();
    watching = controller;
    sse.state.textContent = 'Connecting…';
    // gRPC-Web's response (headers included) starts with the first message, so the page cannot
    // see when the server has the watch: it only knows once the first change arrives.
    grpc.state.textContent = 'Watching: the response starts with the first change.';
    readEvents('/api/users:watch', (e) => {
      if (e.event === 'error') {
        sse.state.textContent = `Ended: ${e.data}`;
        return;
      }
      const data = JSON.parse(e.data);
      sse.add(data.type, data.sequence, data.user);
    }, { signal: controller.signal, onOpen: () => { sse.state.textContent = 'Watching.'; sse.state.dataset.open = 'true'; } })
      .then(() => { if (!controller.signal.aborted) sse.state.textContent = 'The stream ended.'; })
      .catch((e) => { if (e.name !== 'AbortError') sse.state.textContent = `Stopped: ${e.message}`; });
    call(session.protos.root, 'WatchUsers', {}, {
      signal: controller.signal,
      onMessage: (event) => {
        grpc.state.textContent = 'Watching.';
        grpc.add(event.type, event.sequence, event.user);
      },
    }).then((result) => {
      if (!controller.signal.aborted) grpc.state.textContent = `Ended: ${result.codeName} ${result.message}`;
    }).catch((e) => { if (e.name !== 'AbortError') grpc.state.textContent = `Stopped: ${e.message}`; });
  }

  function stop() {
    if (watching) watching.abort();
    watching = null;
    for (const c of [sse, grpc]) {
      c.state.textContent = 'Not watching.';
      delete c.state.dataset.open;
    }
  }

  const demoState = el('p', { class: 'meta', id: 'live-demo-state', role: 'status' });
  const demo = session.info
    ? button('Write a user from the server', async () => {
      try {
        const user = await api('POST', '/console/api/demo/write');
        demoState.textContent = `The server created ${user.name}.`;
      } catch (e) {
        demoState.textContent = `Not written: ${e.message}`;
      }
    }, { id: 'live-demo' })
    : null;

  const raceState = el('p', { class: 'meta', id: 'live-race-state', role: 'status' });
  const raceResults = el('div', { id: 'live-race' });
  const race = button('Stream all users over both', async () => {
    race.disabled = true;
    try {
      raceState.textContent = 'REST NDJSON…';
      const rest = await streamRest((n) => { raceState.textContent = `REST NDJSON: ${n} users…`; });
      raceState.textContent = 'gRPC-Web StreamUsers…';
      const g = await streamGrpc((n) => { raceState.textContent = `gRPC-Web StreamUsers: ${n} users…`; });
      const rate = (r) => `${Math.round(r.users / (r.ms / 1000)).toLocaleString('en')} users/s`;
      raceResults.replaceChildren(el('ul', { class: 'race' },
        el('li', {}, `REST NDJSON (GET /api/users:stream): ${r(rest)}, ${rate(rest)}`),
        el('li', {}, `gRPC-Web StreamUsers: ${r(g)}, ${rate(g)}`)));
      measured.streams = { rest, grpc: g };
      document.dispatchEvent(new CustomEvent('measured'));
      raceState.textContent = 'Done. Both read every user the server has, one after the other.';
    } catch (e) {
      raceState.textContent = `Stopped: ${e.message}`;
    } finally {
      race.disabled = false;
    }
  }, { id: 'live-race-run' });
  const r = (x) => `${x.users.toLocaleString('en')} users, ${bytes(x.bytes)} in ${millis(x.ms)}`;

  document.addEventListener('token-changed', () => { if (watching) watch(); });

  section.append(
    el('h2', {}, 'Live'),
    el('p', { class: 'lead' }, 'Changes from anyone, as they happen, over both protocols at once. Create or update a user in another panel, from curl or grpcurl, or with the button.'),
    el('div', { class: 'actions' },
      button('Watch both', watch, { id: 'live-watch' }),
      button('Stop', stop, { id: 'live-stop' }),
      demo),
    demoState,
    el('div', { class: 'split halves' }, sse.box, grpc.box),
    el('h3', {}, 'Every user, streamed'),
    el('div', { class: 'actions' }, race), raceState, raceResults,
  );
  return {
    shown() {
      if (!watching) watch();
    },
  };
}
