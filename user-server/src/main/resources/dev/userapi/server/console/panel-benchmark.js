// Panel 5: the project's load engine, run by the server against its own listeners
// (/console/api/benchmarks): a configuration form, progress pushed over an event stream, charts of
// throughput, latency percentiles and bytes per call, a table, the run as JSON, earlier runs.

import { bytes, clear, el, field } from './ui.js';
import { api, readEvents, session } from './http.js';
import { barChart, compact, lineChart, table } from './charts.js';

export const runs = { latest: null };

const PERCENTILES = ['p50', 'p90', 'p99', 'p999'];

function cellName(r) {
  return `${r.protocol} ${r.workload}`;
}

function checkboxes(name, values, checked) {
  const box = el('fieldset', { class: 'checks' }, el('legend', {}, name));
  for (const value of values) {
    const id = `bench-${name.toLowerCase()}-${value}`;
    box.append(el('span', { class: 'check' },
      el('input', { type: 'checkbox', id, value, checked: checked.includes(value) }),
      el('label', { for: id }, value)));
  }
  return box;
}

function chosen(box) {
  return [...box.querySelectorAll('input:checked')].map((i) => i.value);
}

export function drawRun(run, parts) {
  const results = run.results || [];
  parts.note.textContent = run.note || '';
  if (results.length === 0) {
    clear(parts.table);
    return;
  }
  const workloads = [...new Set(results.map((r) => r.workload))];
  const protocols = [...new Set(results.map((r) => r.protocol))];
  const value = (p, w, f) => {
    const r = results.find((x) => x.protocol === p && x.workload === w);
    return r ? f(r) : null;
  };
  barChart(parts.throughput, {
    title: 'Throughput (calls per second)',
    categories: workloads,
    series: protocols.map((p) => ({ label: p, values: workloads.map((w) => value(p, w, (r) => r.opsPerSecond)) })),
    unit: 'calls/s',
  });
  lineChart(parts.latency, {
    title: 'Latency percentiles (µs, log scale)',
    points: PERCENTILES.map((p) => p.replace('p999', 'p99.9')),
    series: results.map((r) => ({ label: cellName(r), values: PERCENTILES.map((p) => r.latencyMicros[p]) })),
    unit: 'µs',
  });
  barChart(parts.bytes, {
    title: 'Bytes per call (request + response)',
    categories: protocols,
    series: workloads.map((w) => ({
      label: w,
      values: protocols.map((p) => value(p, w, (r) => r.requestBytes + r.responseBytes)),
    })),
    unit: 'bytes',
  });
  parts.table.replaceChildren(table([
    ['cell', 'calls', 'errors', 'calls/s', 'p50 µs', 'p90 µs', 'p99 µs', 'p99.9 µs', 'max µs', 'request', 'response'],
    ...results.map((r) => [cellName(r), r.ops.toLocaleString('en'), String(r.errors), compact(r.opsPerSecond),
      ...['p50', 'p90', 'p99', 'p999', 'max'].map((p) => compact(r.latencyMicros[p])), bytes(r.requestBytes), bytes(r.responseBytes)]),
  ], `Run ${run.id}: ${run.state}, started ${run.startedAt}`));
}

export function benchmarkPanel(section) {
  const limits = session.info.benchmark;
  const tools = session.info.tools;
  const workloads = checkboxes('Workloads', limits.workloads, ['get']);
  const protocols = checkboxes('Protocols', limits.protocols, ['rest-json', 'grpc', 'grpc-web']);
  const concurrency = el('input', { id: 'bench-concurrency', type: 'number', min: '1', max: '256', value: '16' });
  const duration = el('input', { id: 'bench-duration', type: 'number', min: '1', max: String(limits.maxDurationSeconds), value: '5' });
  const warmup = el('input', { id: 'bench-warmup', type: 'number', min: '0', max: String(limits.maxDurationSeconds), value: '1' });
  const gzip = el('input', { id: 'bench-gzip', type: 'checkbox' });
  const start = el('button', { type: 'submit', id: 'bench-start', disabled: !tools }, 'Start the run');
  const state = el('p', { class: 'meta', id: 'bench-state', role: 'status' }, tools ? '' : session.info.toolsReason);
  const progress = el('ol', { class: 'progress', id: 'bench-progress', 'aria-live': 'polite' });
  const parts = {
    note: el('p', { class: 'hint', id: 'bench-note' }),
    throughput: el('div', { class: 'chart', id: 'bench-throughput' }),
    latency: el('div', { class: 'chart', id: 'bench-latency' }),
    bytes: el('div', { class: 'chart', id: 'bench-bytes' }),
    table: el('div', { id: 'bench-table', class: 'scroll-x' }),
  };
  const download = el('a', { id: 'bench-download', class: 'button', hidden: true }, 'Download the run as JSON');
  const earlier = el('select', { id: 'bench-earlier' });
  const earlierRow = field('Earlier runs', earlier, 'kept until the server restarts').row;
  let shownRun = null;
  let downloadUrl = null;

  function show(run) {
    shownRun = run;
    drawRun(run, parts);
    if (downloadUrl) URL.revokeObjectURL(downloadUrl);
    downloadUrl = URL.createObjectURL(new Blob([JSON.stringify(run, null, 2)], { type: 'application/json' }));
    download.href = downloadUrl;
    download.download = `userapi-benchmark-${run.id}.json`;
    download.hidden = false;
  }

  async function refreshEarlier() {
    if (!tools) return;
    try {
      const list = await api('GET', '/console/api/benchmarks');
      earlier.replaceChildren(el('option', { value: '' }, list.length ? 'choose a run' : 'none yet'),
        ...list.map((r) => el('option', { value: r.id }, `${r.id}: ${r.state}, ${(r.config.protocols || []).join(' ')} · ${(r.config.workloads || []).join(' ')}, ${r.startedAt}`)));
    } catch (e) {
      state.textContent = e.message;
    }
  }
  earlier.addEventListener('change', async () => {
    if (earlier.value) show(await api('GET', `/console/api/benchmarks/${encodeURIComponent(earlier.value)}`));
  });

  const form = el('form', { class: 'op-form bench', 'aria-label': 'Benchmark configuration' },
    workloads, protocols,
    el('div', { class: 'inline' },
      field('Concurrency', concurrency, '1..256 calls in flight').row,
      field('Duration (s)', duration, `per cell, 1..${limits.maxDurationSeconds}`).row,
      field('Warm-up (s)', warmup).row,
      el('div', { class: 'field check' }, gzip, el('label', { for: 'bench-gzip' }, 'gzip'))),
    el('div', { class: 'actions' }, start));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const config = {
      workloads: chosen(workloads),
      protocols: chosen(protocols),
      concurrency: Number(concurrency.value),
      durationSeconds: Number(duration.value),
      warmupSeconds: Number(warmup.value),
      gzip: gzip.checked,
    };
    start.disabled = true;
    clear(progress);
    try {
      const run = await api('POST', '/console/api/benchmarks', config);
      state.textContent = `Run ${run.id} started: ${run.note || ''}`;
      const lines = {};
      await readEvents(`/console/api/benchmarks/${encodeURIComponent(run.id)}/events`, (e) => {
        const data = JSON.parse(e.data);
        if (e.event === 'progress') {
          const key = `${data.protocol} ${data.workload}`;
          if (!lines[key]) progress.append((lines[key] = el('li', {})));
          lines[key].textContent = `${key}: ${data.phase} ${compact(data.elapsedSeconds)} s, ${data.ops.toLocaleString('en')} calls, ${compact(data.opsPerSecond)}/s`;
        } else if (e.event === 'result') {
          const key = cellName(data);
          if (!lines[key]) progress.append((lines[key] = el('li', {})));
          lines[key].textContent = `${key}: done, ${compact(data.opsPerSecond)} calls/s, p50 ${compact(data.latencyMicros.p50)} µs, ${data.errors} errors`;
        } else if (e.event === 'done') {
          state.textContent = `Run ${data.id}: ${data.state}${data.error ? `: ${data.error}` : ''}`;
          if (data.state === 'done') {
            runs.latest = data;
            document.dispatchEvent(new CustomEvent('measured'));
          }
          show(data);
          section.dataset.done = data.state;
        }
      });
    } catch (e) {
      state.textContent = `Not started: ${e.message}`;
    } finally {
      start.disabled = false;
      refreshEarlier();
    }
  });

  section.append(
    el('h2', {}, 'Benchmark'),
    el('p', { class: 'lead' }, `The project's load engine, run inside this server against its own listeners, one cell (protocol × workload) after another. One run at a time; at most ${limits.maxDurationSeconds} s a cell and ${limits.maxTotalSeconds} s a run.`),
    el('div', { class: 'split wide-right' },
      el('div', { class: 'col' }, form, state, progress, earlierRow, download),
      el('div', { class: 'col' }, parts.note, el('div', { class: 'grid2' }, parts.throughput, parts.latency, parts.bytes), parts.table)),
  );
  return {
    shown() {
      refreshEarlier();
      if (shownRun) drawRun(shownRun, parts);
    },
  };
}
