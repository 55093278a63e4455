// Panel 7: when to use which, citing what this server measured in panels 3 and 5 (and saying so
// when nothing has been measured yet).

import { button, bytes, el, millis } from './ui.js';
import { api, session } from './http.js';
import { measured } from './panel-compare.js';
import { runs } from './panel-benchmark.js';
import { compact } from './charts.js';

function goTo(id) {
  const tab = document.getElementById(`tab-${id}`);
  if (tab) {
    tab.click();
    tab.focus();
  }
}

function compareFindings() {
  const c = measured.compare;
  if (!c) {
    return [el('p', { id: 'guide-compare-none' }, 'Nothing measured side by side yet on this server. ',
      button('Run the side-by-side comparison', () => goTo('compare')))];
  }
  const ratio = (a, b) => (b ? (a / b).toFixed(2) : '–');
  const s = measured.streams;
  const streams = s
    ? el('li', {}, `Every user streamed: ${Math.round(s.rest.users / (s.rest.ms / 1000)).toLocaleString('en')} users/s as NDJSON (${bytes(s.rest.bytes)}), ${Math.round(s.grpc.users / (s.grpc.ms / 1000)).toLocaleString('en')} users/s over StreamUsers (${bytes(s.grpc.bytes)}).`)
    : null;
  return [el('ul', { id: 'guide-compare' },
    el('li', {}, `${c.label}, ${c.n} times each from this browser: median ${millis(c.rest.p50)} over REST, ${millis(c.grpc.p50)} over gRPC-Web.`),
    el('li', {}, `Response size: ${bytes(c.rest.responseBytes)} of JSON against ${bytes(c.grpc.responseBytes)} of protobuf (${ratio(c.rest.responseBytes, c.grpc.responseBytes)}× as large); request ${bytes(c.rest.requestBytes)} against ${bytes(c.grpc.requestBytes)}.`),
    streams)];
}

function benchmarkFindings() {
  if (!session.info || !session.info.benchmark) {
    return [el('p', {}, 'The in-server benchmark is not available on this server; the command-line benchmark (BENCHMARKS.md) measures the same engine.')];
  }
  const run = runs.latest;
  if (!run) {
    return [el('p', { id: 'guide-benchmark-none' }, 'No benchmark run yet on this server. ',
      button('Configure a run', () => goTo('benchmark')))];
  }
  const byThroughput = [...run.results].sort((a, b) => b.opsPerSecond - a.opsPerSecond);
  return [el('p', {}, `Run ${run.id} (${run.config.concurrency} in flight, ${run.config.durationSeconds} s a cell; ${run.note}):`),
    el('ul', { id: 'guide-benchmark' }, byThroughput.map((r) => el('li', {},
      `${r.protocol} ${r.workload}: ${compact(r.opsPerSecond)} calls/s, p50 ${compact(r.latencyMicros.p50)} µs, p99 ${compact(r.latencyMicros.p99)} µs, ${bytes(r.responseBytes)} a response`)))];
}

export function guidePanel(section) {
  const numbers = el('div', { id: 'guide-numbers' });
  function render() {
    numbers.replaceChildren(
      el('h3', {}, 'Measured here, from this browser (panel 3)'), ...compareFindings(),
      el('h3', {}, 'Measured here, by the load engine in the server (panel 5)'), ...benchmarkFindings());
  }
  render();
  document.addEventListener('measured', render);
  section.append(
    el('h2', {}, 'When to use which'),
    el('div', { class: 'split' },
      el('div', { class: 'col prose' },
        el('h3', {}, 'REST with JSON'),
        el('ul', {},
          el('li', {}, 'Anyone can call it: a browser, curl, any language, with no code generation. The document is the OpenAPI file.'),
          el('li', {}, 'HTTP caching and conditional requests work as the web expects (ETag, If-None-Match, If-Match).'),
          el('li', {}, 'Public APIs, third parties, occasional scripts, and pages: choose REST.')),
        el('h3', {}, 'gRPC with protobuf'),
        el('ul', {},
          el('li', {}, 'Smaller messages and cheaper encoding; a typed client generated from the .proto in every language.'),
          el('li', {}, 'Streams both ways over one HTTP/2 connection, deadlines and cancellation built in, rich error details.'),
          el('li', {}, 'Service-to-service calls, many small calls, streaming: choose gRPC. From a browser it needs gRPC-Web or Connect (this server speaks both), and client streaming is out of reach.')),
        el('p', { class: 'hint' }, 'The numbers beside this guide are this server\'s own, measured on this machine: they depend on it, on the load, and on the browser. Measure before deciding.')),
      el('div', { class: 'col' }, numbers)),
  );
  // Runs made before this page was opened count too: the newest finished one, once.
  let askedForRuns = false;
  async function earlierRun() {
    if (askedForRuns || runs.latest || !session.info || !session.info.tools) return;
    askedForRuns = true;
    try {
      const done = (await api('GET', '/console/api/benchmarks')).find((r) => r.state === 'done');
      if (done && !runs.latest) {
        runs.latest = done;
        render();
      }
    } catch {
      // Without the admin token the runs cannot be listed: the guide says none were measured.
    }
  }
  return {
    shown() {
      render();
      earlierRun();
    },
  };
}
