// Small DOM helpers shared by the panels. No innerHTML with data and no inline styles: the page's
// Content-Security-Policy allows neither, and text from the server is always set as text.

/** Creates an element: attributes (on* keys become listeners) and children (strings are text). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

let ids = 0;

/** A labelled input (or select/textarea); returns {row, input}. */
export function field(label, input, hint) {
  const id = input.id || `f${++ids}`;
  input.id = id;
  const row = el('div', { class: 'field' }, el('label', { for: id }, label), input);
  if (hint) {
    const hintId = `${id}-hint`;
    input.setAttribute('aria-describedby', hintId);
    row.append(el('span', { class: 'hint', id: hintId }, hint));
  }
  return { row, input };
}

export function input(attrs = {}) {
  return el('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

export function select(options, attrs = {}) {
  return el('select', attrs, options.map((o) => el('option', { value: o }, o)));
}

export function button(label, onclick, attrs = {}) {
  return el('button', { type: 'button', onclick, ...attrs }, label);
}

/** Text for a byte count: 1234 → "1,234 B". */
export function bytes(n) {
  return `${Number(n).toLocaleString('en')} B`;
}

export function millis(ms) {
  return `${ms < 10 ? ms.toFixed(2) : ms.toFixed(1)} ms`;
}

/** Bytes as hex, 8 a line with offsets and the printable ASCII beside them. */
export function hex(data, max = 4096) {
  const view = data.subarray(0, max);
  const lines = [];
  for (let i = 0; i < view.length; i += 8) {
    const chunk = view.subarray(i, i + 8);
    const row = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ').padEnd(23);
    const text = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(4, '0')}  ${row}  ${text}`);
  }
  if (data.length > max) lines.push(`… ${data.length - max} more bytes`);
  return lines.join('\n');
}

/** Shows a command in its box and copies it to the clipboard when the browser lets us. */
export async function copy(text, buttonNode, shownIn) {
  shownIn.textContent = text;
  try {
    await navigator.clipboard.writeText(text);
    shownIn.dataset.note = 'Copied to the clipboard:';
  } catch {
    shownIn.dataset.note = 'The browser kept the clipboard closed; copy it from here:';
  }
}

/** Quotes a string for a POSIX shell. */
export function shellQuote(s) {
  return `'${String(s).replace(/'/g, "'\\''")}'`;
}

export function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** A labelled output box (a <pre> with a heading) that is announced when it changes. */
export function output(title, attrs = {}) {
  const pre = el('pre', { class: 'out', tabindex: '0', 'aria-live': 'polite', 'aria-label': title, ...attrs });
  const box = el('div', { class: 'outbox' }, el('h4', {}, title), pre);
  return { box, pre };
}

export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}
