// HTTP for the panels: timed requests whose exact request and response the page can show, "copy as
// curl", and event streams read with fetch() (EventSource cannot send an Authorization header).

import { shellQuote } from './ui.js';

/** What the page knows about the server and the person: the token, /console/api/info. */
export const session = {
  token: '',
  info: null,
  origin: window.location.origin,
};

/** The Authorization header to send, if the person gave a token. */
export function authHeaders() {
  return session.token ? { Authorization: `Bearer ${session.token}` } : {};
}

/**
 * Sends one request and measures it. The result holds what was sent (method, URL, headers, body),
 * the status, every response header the browser exposes, the body as text and bytes, and the time
 * from sending to the last byte.
 */
export async function timed(method, path, { headers = {}, body = null } = {}) {
  const url = new URL(path, session.origin).toString();
  const sent = { ...headers, ...authHeaders() };
  if (body !== null && !Object.keys(sent).some((h) => h.toLowerCase() === 'content-type')) {
    sent['Content-Type'] = 'application/json';
  }
  const requestBytes = body === null ? 0 : new TextEncoder().encode(body).length;
  const start = performance.now();
  const response = await fetch(url, { method, headers: sent, body, cache: 'no-store' });
  const data = new Uint8Array(await response.arrayBuffer());
  const ms = performance.now() - start;
  return {
    request: { method, url, headers: sent, body, bytes: requestBytes },
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers.entries()],
    header: (name) => response.headers.get(name),
    text: new TextDecoder().decode(data),
    bytes: data.length,
    ms,
  };
}

/** The request as a curl command; the token is shown as $TOKEN, never in clear. */
export function curl(request) {
  const parts = ['curl', '-i'];
  if (request.method !== 'GET') parts.push('-X', request.method);
  for (const [name, value] of Object.entries(request.headers)) {
    const shown = name.toLowerCase() === 'authorization' ? 'Bearer $TOKEN' : value;
    parts.push('-H', name.toLowerCase() === 'authorization' ? `"${name}: ${shown}"` : shellQuote(`${name}: ${shown}`));
  }
  if (request.body !== null && request.body !== undefined) parts.push('--data', shellQuote(request.body));
  parts.push(shellQuote(request.url));
  return parts.join(' ');
}

/** The request and response as the text of an HTTP exchange. */
export function exchangeText(result) {
  const r = result.request;
  const lines = [`${r.method} ${r.url}`];
  for (const [name, value] of Object.entries(r.headers)) {
    lines.push(`${name}: ${name.toLowerCase() === 'authorization' ? 'Bearer …' : value}`);
  }
  if (r.body !== null && r.body !== undefined) lines.push('', r.body);
  return lines.join('\n');
}

export function responseText(result, prettyBody) {
  const lines = [`HTTP ${result.status} ${result.statusText}`.trim()];
  for (const [name, value] of result.headers) lines.push(`${name}: ${value}`);
  lines.push('', prettyBody(result.text));
  return lines.join('\n');
}

/**
 * Reads a text/event-stream with fetch(), calling onEvent({event, data, id}) per event. Resolves
 * when the stream ends or the signal aborts; rejects with the problem's text on an error status.
 */
export async function readEvents(path, onEvent, { signal, headers = {}, onOpen } = {}) {
  const response = await fetch(path, {
    headers: { Accept: 'text/event-stream', ...headers, ...authHeaders() },
    signal,
    cache: 'no-store',
  });
  if (!response.ok) throw new Error(await problemText(response));
  if (onOpen) onOpen();
  let event = { event: 'message', data: [], id: null };
  await readLines(response, (line) => {
    if (line === '') {
      if (event.data.length > 0) onEvent({ event: event.event, data: event.data.join('\n'), id: event.id });
      event = { event: 'message', data: [], id: null };
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (name === 'event') event.event = value;
    else if (name === 'data') event.data.push(value);
    else if (name === 'id') event.id = value;
  });
}

/** Calls onLine for each line of a response body as it arrives (\n, \r\n or \r ends a line). */
export async function readLines(response, onLine) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffered += decoder.decode(value, { stream: true });
      let end;
      while ((end = buffered.search(/\r\n|\r|\n/)) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + (buffered.startsWith('\r\n', end) ? 2 : 1));
        onLine(line);
      }
    }
  } catch (e) {
    if (e.name !== 'AbortError') throw e;
  }
  if (buffered) onLine(buffered);
}

/** A problem+json body's title and detail, or the status. */
export async function problemText(response) {
  try {
    const problem = await response.json();
    return `${response.status} ${problem.title || ''}${problem.detail ? `: ${problem.detail}` : ''}`;
  } catch {
    return `${response.status} ${response.statusText}`;
  }
}

/** GET or POST JSON to the console's API; rejects with the problem's text on an error. */
export async function api(method, path, body) {
  const headers = { Accept: 'application/json', ...authHeaders() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: 'no-store',
  });
  if (!response.ok) {
    const error = new Error(await problemText(response));
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? null : response.json();
}
