// gRPC-Web (application/grpc-web+proto) over fetch(), on the page's own origin: the server serves
// it on the REST port at /userapi.v1.UserService/<Method>. A message is framed as one flag byte
// (0 = data, 0x80 = trailers), a 4-byte big-endian length and the bytes; trailers are HTTP header
// lines. An error's google.rpc.Status (with its field violations) is grpc-status-details-bin.

import { decode, encode, fromBase64 } from './proto.js';
import { session } from './http.js';

export const SERVICE = 'userapi.v1.UserService';

export const CODES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND',
  'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED',
  'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
];

function frame(flag, bytes) {
  const framed = new Uint8Array(5 + bytes.length);
  framed[0] = flag;
  new DataView(framed.buffer).setUint32(1, bytes.length);
  framed.set(bytes, 5);
  return framed;
}

function parseTrailers(bytes) {
  const trailers = {};
  for (const line of new TextDecoder().decode(bytes).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}

/** Reads frames from a response body as they arrive. */
async function readFrames(response, onData, onTrailers) {
  const reader = response.body.getReader();
  let buffered = new Uint8Array(0);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const joined = new Uint8Array(buffered.length + value.length);
    joined.set(buffered);
    joined.set(value, buffered.length);
    buffered = joined;
    while (buffered.length >= 5) {
      const length = new DataView(buffered.buffer, buffered.byteOffset).getUint32(1);
      if (buffered.length < 5 + length) break;
      const flag = buffered[0];
      const payload = buffered.slice(5, 5 + length);
      buffered = buffered.slice(5 + length);
      if (flag & 0x80) onTrailers(parseTrailers(payload));
      else onData(payload);
    }
  }
}

/**
 * Calls a method; for a server-streaming one, onMessage gets each response as it arrives. Resolves
 * with {code, codeName, message, details, status (decoded google.rpc.Status), responses (the JSON
 * form), responseBytes (each message's bytes), requestJson, requestBytes, headers, trailers, ms}.
 */
export async function call(root, method, requestJson, { onMessage, onOpen, signal } = {}) {
  const service = root.lookupService(SERVICE);
  const rpc = service.methods[method];
  const requestType = root.lookupType(rpc.requestType);
  const responseType = root.lookupType(rpc.responseType);
  const requestBytes = encode(requestType, requestJson);
  const headers = {
    'Content-Type': 'application/grpc-web+proto',
    Accept: 'application/grpc-web+proto',
    'X-Grpc-Web': '1',
  };
  if (session.token) headers.Authorization = `Bearer ${session.token}`;
  const result = {
    method,
    requestJson,
    requestBytes,
    responses: [],
    responseBytes: [],
    headers: {},
    trailers: {},
    code: 2,
    codeName: 'UNKNOWN',
    message: '',
    status: null,
  };
  const start = performance.now();
  let response;
  try {
    response = await fetch(`/${SERVICE}/${method}`, {
      method: 'POST',
      headers,
      body: frame(0, requestBytes),
      signal,
      cache: 'no-store',
    });
  } catch (e) {
    if (e.name === 'AbortError') return finish(result, { 'grpc-status': '1' }, start);
    throw e;
  }
  result.httpStatus = response.status;
  if (onOpen) onOpen();
  for (const [name, value] of response.headers.entries()) result.headers[name] = value;
  let trailers = null;
  try {
    await readFrames(
      response,
      (bytes) => {
        const json = decode(responseType, bytes);
        result.responseBytes.push(bytes);
        result.responses.push(json);
        if (onMessage) onMessage(json, bytes);
      },
      (t) => {
        trailers = t;
      });
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
    trailers = trailers || { 'grpc-status': '1', 'grpc-message': 'cancelled by the page' };
  }
  // A call that fails at once is "trailers-only": the status is in the HTTP headers.
  return finish(result, trailers || result.headers, start, root);
}

function finish(result, trailers, start, root) {
  result.ms = performance.now() - start;
  result.trailers = trailers;
  result.code = Number(trailers['grpc-status'] ?? 2);
  result.codeName = CODES[result.code] || String(result.code);
  result.message = decodeURIComponent(trailers['grpc-message'] || '');
  const details = trailers['grpc-status-details-bin'];
  if (details && root) {
    result.status = decode(root.lookupType('google.rpc.Status'), fromBase64(details));
  }
  return result;
}

/** Field violations from a decoded google.rpc.Status: [{field, description}]. */
export function violations(status) {
  const found = [];
  for (const detail of (status && status.details) || []) {
    for (const v of detail.fieldViolations || []) found.push({ field: v.field, description: v.description });
  }
  return found;
}
