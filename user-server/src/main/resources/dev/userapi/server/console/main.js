// The console's start: asks the server what it offers (/console/api/info), loads the .proto files,
// asks for a token when the server needs one, and builds the panels as tabs.

import { el } from './ui.js';
import { session } from './http.js';
import { loadProtos } from './proto.js';
import { restPanel } from './panel-rest.js';
import { grpcPanel } from './panel-grpc.js';
import { comparePanel } from './panel-compare.js';
import { livePanel } from './panel-live.js';
import { benchmarkPanel } from './panel-benchmark.js';
import { contractPanel } from './panel-contract.js';
import { guidePanel } from './panel-guide.js';

const tabs = document.getElementById('tabs');
const panels = document.getElementById('panels');
const state = document.getElementById('server-state');

async function serverInfo() {
  try {
    const response = await fetch('console/api/info', { headers: { Accept: 'application/json' }, cache: 'no-store' });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

function tokenForm(info) {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token');
  const shown = document.getElementById('token-state');
  // Without the console's API the page cannot tell whether the server wants a token: offer the
  // field anyway; with it, only when the server authenticates callers.
  form.hidden = info !== null && !info.auth;
  if (info && info.auth) {
    shown.textContent = 'This server needs a token for every call.';
    input.required = true;
  }
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    session.token = input.value.trim();
    shown.textContent = session.token ? 'Token set: sent as Authorization on REST and gRPC-Web.' : 'No token.';
    document.dispatchEvent(new CustomEvent('token-changed'));
  });
  if (info && info.auth) input.focus();
}

function addPanel(id, title, build) {
  const tab = el('button', {
    type: 'button',
    role: 'tab',
    id: `tab-${id}`,
    'aria-controls': `panel-${id}`,
    'aria-selected': 'false',
    tabindex: '-1',
  }, title);
  const section = el('section', {
    id: `panel-${id}`,
    role: 'tabpanel',
    'aria-labelledby': `tab-${id}`,
    class: 'panel',
    tabindex: '0',
    hidden: true,
  });
  tabs.append(tab);
  panels.append(section);
  const panel = build(section);
  tab.addEventListener('click', () => select(id));
  return { id, tab, section, panel };
}

const all = [];

function select(id) {
  for (const p of all) {
    const on = p.id === id;
    p.tab.setAttribute('aria-selected', String(on));
    p.tab.tabIndex = on ? 0 : -1;
    p.section.hidden = !on;
    if (on && p.panel && p.panel.shown) p.panel.shown();
    if (!on && p.panel && p.panel.hidden) p.panel.hidden();
  }
  if (window.location.hash !== `#${id}`) history.replaceState(null, '', `#${id}`);
}

// Arrow keys move between tabs, as in any tab list.
tabs.addEventListener('keydown', (event) => {
  const index = all.findIndex((p) => p.tab === document.activeElement);
  if (index < 0) return;
  let next = -1;
  if (event.key === 'ArrowRight') next = (index + 1) % all.length;
  else if (event.key === 'ArrowLeft') next = (index - 1 + all.length) % all.length;
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = all.length - 1;
  if (next < 0) return;
  event.preventDefault();
  all[next].tab.focus();
  select(all[next].id);
});

async function start() {
  const info = await serverInfo();
  session.info = info;
  tokenForm(info);
  let protos;
  try {
    protos = await loadProtos();
  } catch (e) {
    state.textContent = `Cannot load the .proto files: ${e.message}`;
    protos = null;
  }
  session.protos = protos;
  const webProtocols = info ? info.webProtocols !== false : true;
  all.push(addPanel('rest', '1 REST', restPanel));
  if (protos && webProtocols) all.push(addPanel('grpc', '2 gRPC', grpcPanel));
  if (protos && webProtocols) all.push(addPanel('compare', '3 Side by side', comparePanel));
  if (protos && webProtocols) all.push(addPanel('live', '4 Live', livePanel));
  // The benchmark runs in the server, through the console's API: without it there is nothing to run.
  if (info && info.benchmark) all.push(addPanel('benchmark', '5 Benchmark', benchmarkPanel));
  all.push(addPanel('contract', '6 Contract and clients', contractPanel));
  all.push(addPanel('guide', '7 When to use which', guidePanel));
  const parts = [];
  if (info) parts.push(`userapi ${info.version}`);
  parts.push(`REST and gRPC-Web on ${window.location.host}`);
  if (info && info.grpc) parts.push(`native gRPC on port ${info.grpc.port}${info.grpc.tls ? ' (TLS)' : ''}`);
  if (!webProtocols) parts.push('gRPC-Web is off on this server (--web-protocols): the gRPC panels are hidden');
  state.textContent = parts.join(' · ');
  const wanted = window.location.hash.slice(1);
  select(all.some((p) => p.id === wanted) ? wanted : 'rest');
  document.body.dataset.ready = 'true';
}

start();
