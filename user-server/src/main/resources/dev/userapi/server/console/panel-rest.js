// Panel 1: every REST operation as a form; the exact request and response, time, bytes, curl.

import { button, clear, copy, el, field, input, output, pretty, bytes, millis } from './ui.js';
import { curl, exchangeText, responseText, timed } from './http.js';

/** The last user a panel saw, to fill in ids and ETags for the next call (shared with gRPC). */
export const lastUser = { id: '', etag: '' };

export function rememberUser(user) {
  if (user && user.id) {
    lastUser.id = user.id;
    lastUser.etag = user.etag || '';
    document.dispatchEvent(new CustomEvent('user-seen', { detail: user }));
  }
}

function age(value) {
  return value.trim() === '' ? undefined : Number(value);
}

function userBody(f) {
  const body = {};
  if (f.name.value !== '') body.name = f.name.value;
  if (f.email.value !== '') body.email = f.email.value;
  if (f.age.value.trim() !== '') body.age = age(f.age.value);
  return JSON.stringify(body);
}

function query(params) {
  const q = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== '') q.set(name, value);
  const text = q.toString();
  return text ? `?${text}` : '';
}

const id = (f) => encodeURIComponent(f.id.value.trim());

/** The operations: their inputs and how they become a request. */
export const REST_OPERATIONS = {
  create: {
    label: 'Create (POST /api/users)',
    inputs: ['name', 'email', 'age', 'idempotencyKey'],
    request: (f) => ({
      method: 'POST',
      path: '/api/users',
      headers: f.idempotencyKey.value ? { 'Idempotency-Key': f.idempotencyKey.value } : {},
      body: userBody(f),
    }),
  },
  get: {
    label: 'Get (GET /api/users/{id})',
    inputs: ['id'],
    request: (f) => ({ method: 'GET', path: `/api/users/${id(f)}` }),
  },
  conditionalGet: {
    label: 'Conditional get (If-None-Match)',
    inputs: ['id', 'etag'],
    request: (f) => ({ method: 'GET', path: `/api/users/${id(f)}`, headers: { 'If-None-Match': `"${f.etag.value}"` } }),
  },
  update: {
    label: 'Update (PATCH with If-Match)',
    inputs: ['id', 'etag', 'name', 'email', 'age'],
    request: (f) => ({
      method: 'PATCH',
      path: `/api/users/${id(f)}`,
      headers: f.etag.value ? { 'If-Match': `"${f.etag.value}"`, 'Content-Type': 'application/merge-patch+json' } : { 'Content-Type': 'application/merge-patch+json' },
      body: userBody(f),
    }),
  },
  replace: {
    label: 'Replace (PUT with If-Match)',
    inputs: ['id', 'etag', 'name', 'email', 'age'],
    request: (f) => ({
      method: 'PUT',
      path: `/api/users/${id(f)}`,
      headers: f.etag.value ? { 'If-Match': `"${f.etag.value}"` } : {},
      body: userBody(f),
    }),
  },
  delete: {
    label: 'Delete (DELETE with If-Match)',
    inputs: ['id', 'etag'],
    request: (f) => ({
      method: 'DELETE',
      path: `/api/users/${id(f)}`,
      headers: f.etag.value ? { 'If-Match': `"${f.etag.value}"` } : {},
    }),
  },
  list: {
    label: 'List (GET /api/users, filters and paging)',
    inputs: ['pageSize', 'pageToken', 'filterEmail', 'namePrefix', 'minAge', 'maxAge'],
    request: (f) => ({
      method: 'GET',
      path: `/api/users${query({
        pageSize: f.pageSize.value,
        pageToken: f.pageToken.value,
        email: f.filterEmail.value,
        namePrefix: f.namePrefix.value,
        minAge: f.minAge.value,
        maxAge: f.maxAge.value,
      })}`,
    }),
  },
  batchCreate: {
    label: 'Batch create (POST /api/users:batchCreate)',
    inputs: ['batch'],
    request: (f) => ({ method: 'POST', path: '/api/users:batchCreate', body: f.batch.value }),
  },
};

/** The inputs every operation form draws from; built once per panel. */
export function userInputs(prefix) {
  const n = Math.floor(Math.random() * 1e6);
  const make = (name, label, attrs = {}, hint) => {
    const node = name === 'batch' ? el('textarea', { rows: 4, spellcheck: 'false', ...attrs }) : input(attrs);
    node.id = `${prefix}-${name}`;
    node.name = name;
    return { name, ...field(label, node, hint) };
  };
  const inputs = [
    make('id', 'User id', { placeholder: 'a user id (filled in after a create)' }),
    make('etag', 'ETag', { placeholder: 'filled in after a read' }, 'without quotes'),
    make('name', 'Name', { value: 'Ada Lovelace' }),
    make('email', 'Email', { value: `ada-${n}@console.example.com` }),
    make('age', 'Age', { value: '36', inputmode: 'numeric' }, 'empty: unknown'),
    make('idempotencyKey', 'Idempotency-Key', { placeholder: 'optional' }),
    make('pageSize', 'Page size', { value: '5', inputmode: 'numeric' }),
    make('pageToken', 'Page token', { placeholder: 'nextPageToken of the previous page' }),
    make('filterEmail', 'Filter: email', {}),
    make('namePrefix', 'Filter: name prefix', {}),
    make('minAge', 'Filter: min age', { inputmode: 'numeric' }),
    make('maxAge', 'Filter: max age', { inputmode: 'numeric' }),
    make('batch', 'Users (JSON array)', {}),
  ];
  const byName = Object.fromEntries(inputs.map((i) => [i.name, i.input]));
  byName.batch.value = JSON.stringify(
    [
      { name: 'Grace Hopper', email: `grace-${n}@console.example.com`, age: 85 },
      { name: '', email: 'not-an-email', age: 200 },
    ],
    null,
    1,
  );
  const rows = Object.fromEntries(inputs.map((i) => [i.name, i.row]));
  // A new email per create, so that "Create" twice does not meet ALREADY_EXISTS by accident.
  const freshEmail = () => {
    byName.email.value = `ada-${Math.floor(Math.random() * 1e6)}@console.example.com`;
  };
  document.addEventListener('user-seen', () => {
    byName.id.value = lastUser.id;
    byName.etag.value = lastUser.etag;
  });
  return { byName, rows, freshEmail };
}

/** The invalid create both panels offer: three field violations (name, email, age). */
export function fillInvalid(f) {
  f.name.value = '';
  f.email.value = 'not-an-email';
  f.age.value = '200';
}

export function restPanel(section) {
  const { byName: f, rows, freshEmail } = userInputs('rest');
  const operation = el('select', { id: 'rest-op' },
    Object.entries(REST_OPERATIONS).map(([key, op]) => el('option', { value: key }, op.label)));
  const form = el('form', { class: 'op-form', 'aria-label': 'REST request' });
  const inputsBox = el('div', { class: 'inputs' });
  const send = el('button', { type: 'submit', id: 'rest-send' }, 'Send');
  const invalid = button('Fill in an invalid user', () => {
    operation.value = 'create';
    showInputs();
    fillInvalid(f);
  }, { id: 'rest-invalid' });
  const curlButton = button('Copy as curl', null, { id: 'rest-curl', disabled: true });
  const curlText = el('pre', { class: 'command', id: 'rest-curl-text', 'aria-live': 'polite' });
  const meta = el('p', { class: 'meta', id: 'rest-meta', role: 'status' });
  const req = output('Request', { id: 'rest-request' });
  const res = output('Response', { id: 'rest-response' });

  function showInputs() {
    clear(inputsBox);
    for (const name of REST_OPERATIONS[operation.value].inputs) inputsBox.append(rows[name]);
  }
  operation.addEventListener('change', showInputs);
  showInputs();

  let lastRequest = null;
  curlButton.addEventListener('click', () => copy(curl(lastRequest), curlButton, curlText));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const op = REST_OPERATIONS[operation.value];
    const r = op.request(f);
    curlText.textContent = '';
    send.disabled = true;
    meta.textContent = 'Sending…';
    delete meta.dataset.status;
    try {
      const result = await timed(r.method, r.path, { headers: r.headers || {}, body: r.body ?? null });
      lastRequest = result.request;
      curlButton.disabled = false;
      req.pre.textContent = exchangeText(result);
      res.pre.textContent = responseText(result, pretty);
      meta.textContent = `${result.status} ${result.statusText} · ${millis(result.ms)} · request body ${bytes(result.request.bytes)} · response body ${bytes(result.bytes)}`;
      meta.dataset.status = String(result.status);
      if (result.status < 300 && result.text) {
        const body = JSON.parse(result.text);
        if (body.id) rememberUser({ id: body.id, etag: (result.header('ETag') || '').replace(/^W\//, '').replace(/"/g, '') || body.etag });
        if (body.nextPageToken !== undefined) f.pageToken.value = body.nextPageToken;
      }
      if (operation.value === 'create' && result.status === 201) freshEmail();
    } catch (e) {
      meta.textContent = `The request failed: ${e.message}`;
    } finally {
      send.disabled = false;
    }
  });

  form.append(
    el('div', { class: 'field' }, el('label', { for: 'rest-op' }, 'Operation'), operation),
    inputsBox,
    el('div', { class: 'actions' }, send, invalid, curlButton),
  );
  section.append(
    el('h2', {}, 'REST: JSON over HTTP'),
    el('p', { class: 'lead' }, 'Each form sends one request to this server\'s REST API. Shown: the method, URL, headers and body the page sent (the browser adds its usual ones, such as User-Agent), and the status, headers and body that came back.'),
    el('div', { class: 'split' },
      el('div', { class: 'col' }, form, meta, curlText),
      el('div', { class: 'col' }, req.box, res.box)),
  );
  return {};
}
