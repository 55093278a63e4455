// Panel 2: the same operations over gRPC-Web, encoded from the served .proto; the decoded response
// or the status with its details, message sizes, the protobuf bytes in hex beside the JSON, and
// the same call as grpcurl (native gRPC) and as Connect (curl with JSON).

import { button, bytes, clear, copy, el, hex, millis, output, shellQuote } from './ui.js';
import { session } from './http.js';
import { call, SERVICE, violations } from './grpcweb.js';
import { fillInvalid, lastUser, rememberUser, userInputs } from './panel-rest.js';

function user(f) {
  const u = {};
  if (f.name.value !== '') u.name = f.name.value;
  if (f.email.value !== '') u.email = f.email.value;
  if (f.age.value.trim() !== '') u.age = Number(f.age.value);
  return u;
}

function filter(f) {
  const out = {};
  if (f.filterEmail.value) out.email = f.filterEmail.value;
  if (f.namePrefix.value) out.namePrefix = f.namePrefix.value;
  if (f.minAge.value) out.minAge = Number(f.minAge.value);
  if (f.maxAge.value) out.maxAge = Number(f.maxAge.value);
  return Object.keys(out).length ? out : undefined;
}

export const GRPC_OPERATIONS = {
  create: {
    label: 'CreateUser',
    inputs: ['name', 'email', 'age', 'idempotencyKey'],
    request: (f) => ({ user: user(f), requestId: f.idempotencyKey.value || undefined }),
  },
  get: { label: 'GetUser', inputs: ['id'], request: (f) => ({ id: f.id.value.trim() }) },
  update: {
    label: 'UpdateUser (field mask, etag)',
    inputs: ['id', 'etag', 'name', 'email', 'age'],
    request: (f) => {
      const u = user(f);
      return {
        user: { ...u, id: f.id.value.trim(), etag: f.etag.value || undefined },
        updateMask: Object.keys(u).join(','),
      };
    },
  },
  replace: {
    label: 'ReplaceUser (etag)',
    inputs: ['id', 'etag', 'name', 'email', 'age'],
    request: (f) => ({ user: { ...user(f), id: f.id.value.trim(), etag: f.etag.value || undefined } }),
  },
  delete: {
    label: 'DeleteUser (etag)',
    inputs: ['id', 'etag'],
    request: (f) => ({ id: f.id.value.trim(), etag: f.etag.value || undefined }),
  },
  list: {
    label: 'ListUsers (filter, paging)',
    inputs: ['pageSize', 'pageToken', 'filterEmail', 'namePrefix', 'minAge', 'maxAge'],
    request: (f) => ({
      pageSize: f.pageSize.value ? Number(f.pageSize.value) : undefined,
      pageToken: f.pageToken.value || undefined,
      filter: filter(f),
    }),
  },
};

const METHODS = {
  create: 'CreateUser',
  get: 'GetUser',
  update: 'UpdateUser',
  replace: 'ReplaceUser',
  delete: 'DeleteUser',
  list: 'ListUsers',
};

function grpcTarget() {
  const info = session.info;
  const host = window.location.hostname;
  return `${host}:${info && info.grpc ? info.grpc.port : 9090}`;
}

export function grpcurl(method, json) {
  const info = session.info;
  const parts = ['grpcurl'];
  if (!(info && info.grpc && info.grpc.tls)) parts.push('-plaintext');
  if (session.token) parts.push('-H', '"authorization: Bearer $TOKEN"');
  parts.push('-d', shellQuote(JSON.stringify(json)), grpcTarget(), `${SERVICE}/${method}`);
  return parts.join(' ');
}

export function connectCurl(method, json) {
  const parts = ['curl', '-i', '-H', "'Content-Type: application/json'"];
  if (session.token) parts.push('-H', '"Authorization: Bearer $TOKEN"');
  parts.push('--data', shellQuote(JSON.stringify(json)), shellQuote(`${window.location.origin}/${SERVICE}/${method}`));
  return parts.join(' ');
}

/** Removes undefined members so the JSON shown is the JSON sent. */
export function clean(value) {
  return JSON.parse(JSON.stringify(value));
}

export function grpcPanel(section) {
  const { byName: f, rows, freshEmail } = userInputs('grpc');
  const operation = el('select', { id: 'grpc-op' },
    Object.entries(GRPC_OPERATIONS).map(([key, op]) => el('option', { value: key }, op.label)));
  const form = el('form', { class: 'op-form', 'aria-label': 'gRPC-Web call' });
  const inputsBox = el('div', { class: 'inputs' });
  const send = el('button', { type: 'submit', id: 'grpc-send' }, 'Call');
  const invalid = button('Fill in an invalid user', () => {
    operation.value = 'create';
    showInputs();
    fillInvalid(f);
  }, { id: 'grpc-invalid' });
  const grpcurlButton = button('Copy as grpcurl', null, { id: 'grpc-grpcurl', disabled: true });
  const connectButton = button('Copy as Connect curl', null, { id: 'grpc-connect', disabled: true });
  const commandText = el('pre', { class: 'command', id: 'grpc-command', 'aria-live': 'polite' });
  const status = el('p', { class: 'meta', id: 'grpc-status', role: 'status' });
  const violationList = el('ul', { class: 'violations', id: 'grpc-violations' });
  const reqJson = output('Request (JSON form)', { id: 'grpc-request-json' });
  const reqHex = output('Request (protobuf bytes)', { id: 'grpc-request-hex', class: 'out hex' });
  const resJson = output('Response (decoded)', { id: 'grpc-response-json' });
  const resHex = output('Response (protobuf bytes)', { id: 'grpc-response-hex', class: 'out hex' });

  function showInputs() {
    clear(inputsBox);
    for (const name of GRPC_OPERATIONS[operation.value].inputs) inputsBox.append(rows[name]);
  }
  operation.addEventListener('change', showInputs);
  showInputs();

  let last = null;
  grpcurlButton.addEventListener('click', () => copy(grpcurl(last.method, last.json), grpcurlButton, commandText));
  connectButton.addEventListener('click', () => copy(connectCurl(last.method, last.json), connectButton, commandText));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const method = METHODS[operation.value];
    const json = clean(GRPC_OPERATIONS[operation.value].request(f));
    last = { method, json };
    commandText.textContent = '';
    grpcurlButton.disabled = false;
    connectButton.disabled = false;
    send.disabled = true;
    status.textContent = 'Calling…';
    delete status.dataset.code;
    clear(violationList);
    try {
      const result = await call(session.protos.root, method, json);
      reqJson.pre.textContent = `POST /${SERVICE}/${method}\ncontent-type: application/grpc-web+proto\n\n${JSON.stringify(json, null, 2)}`;
      reqHex.pre.textContent = hex(result.requestBytes);
      const responseBytes = result.responseBytes[0] || new Uint8Array();
      status.dataset.code = result.codeName;
      status.textContent = `${result.codeName}${result.message ? `: ${result.message}` : ''} · ${millis(result.ms)} · request message ${bytes(result.requestBytes.length)} · response message ${bytes(responseBytes.length)}`;
      if (result.code === 0) {
        const response = result.responses[0];
        resJson.pre.textContent = JSON.stringify(response, null, 2);
        resHex.pre.textContent = hex(responseBytes);
        if (response && response.id) rememberUser(response);
        if (response && response.nextPageToken !== undefined) f.pageToken.value = response.nextPageToken;
        if (operation.value === 'create') freshEmail();
      } else {
        resJson.pre.textContent = `grpc-status: ${result.code} (${result.codeName})\ngrpc-message: ${result.message}\n\ngoogle.rpc.Status from grpc-status-details-bin:\n${JSON.stringify(result.status, null, 2)}`;
        resHex.pre.textContent = result.trailers['grpc-status-details-bin'] ? '(no response message: the status is in the trailers)' : '';
        for (const v of violations(result.status)) violationList.append(el('li', {}, el('code', {}, v.field), ` ${v.description}`));
      }
    } catch (e) {
      status.textContent = `The call failed: ${e.message}`;
    } finally {
      send.disabled = false;
    }
  });
  document.addEventListener('user-seen', () => {
    f.id.value = lastUser.id;
  });

  form.append(
    el('div', { class: 'field' }, el('label', { for: 'grpc-op' }, 'Method'), operation),
    inputsBox,
    el('div', { class: 'actions' }, send, invalid, grpcurlButton, connectButton),
  );
  section.append(
    el('h2', {}, 'gRPC: protobuf over gRPC-Web'),
    el('p', { class: 'lead' }, 'The same operations, encoded from the .proto this server serves and sent as gRPC-Web to the REST port. Batch create is client streaming, which a browser cannot send over gRPC-Web: use grpcurl or GrpcUserClient for it.'),
    el('div', { class: 'split' },
      el('div', { class: 'col' }, form, status, violationList, commandText),
      el('div', { class: 'col grid2' }, reqJson.box, reqHex.box, resJson.box, resHex.box)),
  );
  return {};
}
