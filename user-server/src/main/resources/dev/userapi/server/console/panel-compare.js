// Panel 3: one action over REST (JSON) and over gRPC-Web (protobuf), N times each, alternating:
// body or message bytes and latency per protocol, with a latency histogram.

import { bytes, el, field, millis, percentile, select } from './ui.js';
import { session, timed } from './http.js';
import { call } from './grpcweb.js';
import { barChart, table } from './charts.js';

export const measured = { compare: null };

const ACTIONS = {
  create: 'Create a user',
  get: 'Get a user',
  list50: 'List a page of 50',
};

let serial = 0;

function newUser() {
  serial += 1;
  const tag = `${Date.now().toString(36)}-${serial}`;
  return { name: `Side by side ${tag}`, email: `side-${tag}@console.example.com`, age: 30 };
}

async function prepare(action) {
  if (action === 'get') {
    const created = await timed('POST', '/api/users', { body: JSON.stringify(newUser()) });
    if (created.status !== 201) throw new Error(`could not create a user to get: ${created.status}`);
    return { id: JSON.parse(created.text).id };
  }
  if (action === 'list50') {
    const page = await timed('GET', '/api/users?pageSize=50');
    const missing = 50 - JSON.parse(page.text).users.length;
    if (missing > 0) {
      const batch = Array.from({ length: missing }, newUser);
      await timed('POST', '/api/users:batchCreate', { body: JSON.stringify(batch) });
    }
  }
  return {};
}

async function overRest(action, context) {
  let result;
  if (action === 'create') result = await timed('POST', '/api/users', { body: JSON.stringify(newUser()) });
  else if (action === 'get') result = await timed('GET', `/api/users/${context.id}`);
  else result = await timed('GET', '/api/users?pageSize=50');
  if (result.status >= 300) throw new Error(`REST answered ${result.status}`);
  return { ms: result.ms, requestBytes: result.request.bytes, responseBytes: result.bytes };
}

async function overGrpc(action, context) {
  const root = session.protos.root;
  let result;
  if (action === 'create') result = await call(root, 'CreateUser', { user: newUser() });
  else if (action === 'get') result = await call(root, 'GetUser', { id: context.id });
  else result = await call(root, 'ListUsers', { pageSize: 50 });
  if (result.code !== 0) throw new Error(`gRPC answered ${result.codeName}`);
  return { ms: result.ms, requestBytes: result.requestBytes.length, responseBytes: result.responseBytes[0].length };
}

function summary(samples) {
  const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    requestBytes: samples[samples.length - 1].requestBytes,
    responseBytes: samples[samples.length - 1].responseBytes,
    all: sorted,
  };
}

function histogram(rest, grpc, buckets = 12) {
  const all = [...rest.all, ...grpc.all];
  const lo = Math.min(...all);
  const hi = Math.max(...all);
  const size = (hi - lo) / buckets || 1;
  const count = (values) => {
    const counts = new Array(buckets).fill(0);
    for (const v of values) counts[Math.min(buckets - 1, Math.floor((v - lo) / size))] += 1;
    return counts;
  };
  const categories = Array.from({ length: buckets }, (_, i) => (lo + size * (i + 0.5)).toFixed(1));
  return { categories, rest: count(rest.all), grpc: count(grpc.all) };
}

export function comparePanel(section) {
  const action = select(Object.keys(ACTIONS), { id: 'compare-action' });
  [...action.options].forEach((o) => {
    o.textContent = ACTIONS[o.value];
  });
  const repeats = el('input', { id: 'compare-n', type: 'number', min: '1', max: '500', value: '30' });
  const run = el('button', { type: 'submit', id: 'compare-run' }, 'Run over both');
  const state = el('p', { class: 'meta', id: 'compare-state', role: 'status' });
  const results = el('div', { id: 'compare-results' });
  const chart = el('div', { class: 'chart', id: 'compare-chart' });
  const form = el('form', { class: 'op-form inline', 'aria-label': 'Side by side' },
    field('Action', action).row,
    field('Repeats (N)', repeats, '1..500 each').row,
    el('div', { class: 'actions' }, run));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const n = Math.max(1, Math.min(500, Number(repeats.value) || 1));
    run.disabled = true;
    const samples = { rest: [], grpc: [] };
    try {
      state.textContent = 'Preparing…';
      const context = await prepare(action.value);
      // Alternate so that both protocols see the same moments of the server's life.
      for (let i = 0; i < n; i += 1) {
        samples.rest.push(await overRest(action.value, context));
        samples.grpc.push(await overGrpc(action.value, context));
        if (i % 5 === 0) state.textContent = `Running: ${i + 1} of ${n}`;
      }
      const rest = summary(samples.rest);
      const grpc = summary(samples.grpc);
      measured.compare = { action: action.value, label: ACTIONS[action.value], n, rest, grpc, at: new Date() };
      document.dispatchEvent(new CustomEvent('measured'));
      state.textContent = `Done: ${n} × ${ACTIONS[action.value].toLowerCase()} over each protocol, in the browser (latency includes the browser's own work).`;
      results.replaceChildren(table([
        ['', 'median', 'p90', 'min', 'max', 'request bytes', 'response bytes'],
        ['REST (JSON body)', millis(rest.p50), millis(rest.p90), millis(rest.min), millis(rest.max), bytes(rest.requestBytes), bytes(rest.responseBytes)],
        ['gRPC-Web (protobuf message)', millis(grpc.p50), millis(grpc.p90), millis(grpc.min), millis(grpc.max), bytes(grpc.requestBytes), bytes(grpc.responseBytes)],
      ], 'Latency and bytes per call (bytes: the body or the message, without HTTP headers and framing)'));
      const h = histogram(rest, grpc);
      barChart(chart, {
        title: 'Latency histogram (calls per bucket, ms)',
        categories: h.categories,
        series: [{ label: 'REST', values: h.rest }, { label: 'gRPC-Web', values: h.grpc }],
        unit: 'calls',
      });
      section.dataset.done = 'true';
    } catch (e) {
      state.textContent = `Stopped: ${e.message}`;
    } finally {
      run.disabled = false;
    }
  });

  section.append(
    el('h2', {}, 'Side by side'),
    el('p', { class: 'lead' }, 'One action over both protocols, N times each, alternating: bytes on the wire and latency from this browser. A page of 50 makes up the missing users first if the server has fewer.'),
    form, state,
    results, chart,
  );
  return {};
}
