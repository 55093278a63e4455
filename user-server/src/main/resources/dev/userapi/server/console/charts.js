// Charts with uPlot (the global `uPlot` from /console/vendor/uPlot.iife.min.js): grouped bars over
// named categories and lines over named points. uPlot styles through the CSSOM, which the page's
// style-src 'self' allows; its stylesheet is /console/vendor/uPlot.min.css.

import { clear, el } from './ui.js';

export const COLORS = ['#1f6feb', '#d4631d', '#2da44e', '#8250df', '#bf3989', '#6e7781', '#0a7ea4', '#b08800'];

function width(container) {
  return Math.max(320, Math.min(container.clientWidth || 560, 900));
}

/**
 * Grouped bars: one group per category, one bar per series in each. Drawn as interleaved x
 * positions (category index plus an offset per series) so that uPlot's bar paths need no plugin.
 */
export function barChart(container, { title, categories, series, unit = '', height = 220, log = false }) {
  clear(container);
  const k = series.length;
  const step = 0.8 / k;
  const xs = [];
  const columns = series.map(() => []);
  categories.forEach((_, c) => {
    series.forEach((s, i) => {
      xs.push(c - 0.4 + step * (i + 0.5));
      series.forEach((_, j) => columns[j].push(j === i ? s.values[c] : null));
    });
  });
  const chart = new window.uPlot(
    {
      title,
      width: width(container),
      height,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [-0.6, categories.length - 0.4] }, y: log ? { distr: 3 } : { range: (u, min, max) => [0, max * 1.1 || 1] } },
      axes: [
        {
          splits: () => categories.map((_, i) => i),
          values: (u, splits) => splits.map((i) => categories[i] ?? ''),
          gap: 4,
          size: 40,
        },
        { label: unit, values: (u, splits) => splits.map((v) => compact(v)), size: 60 },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          fill: `${COLORS[i % COLORS.length]}cc`,
          width: 1,
          points: { show: false },
          paths: window.uPlot.paths.bars({ size: [0.9, 200], align: 0 }),
        })),
      ],
    },
    [xs, ...columns],
    container,
  );
  return chart;
}

/** Lines over named points (percentiles), one line per series, on a log scale when asked. */
export function lineChart(container, { title, points, series, unit = '', height = 220, log = true }) {
  clear(container);
  const xs = points.map((_, i) => i);
  return new window.uPlot(
    {
      title,
      width: width(container),
      height,
      cursor: { show: false },
      legend: { show: true, live: false },
      scales: { x: { time: false, range: [-0.2, points.length - 0.8] }, y: log ? { distr: 3 } : {} },
      axes: [
        { splits: () => xs, values: (u, splits) => splits.map((i) => points[i] ?? '') },
        { label: unit, values: (u, splits) => splits.map((v) => compact(v)), size: 60 },
      ],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: COLORS[i % COLORS.length],
          width: 2,
          points: { show: true, size: 6 },
        })),
      ],
    },
    [xs, ...series.map((s) => s.values)],
    container,
  );
}

export function compact(v) {
  if (v === null || v === undefined) return '';
  if (Math.abs(v) >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (Math.abs(v) >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return String(Number(v.toFixed(v < 10 ? 2 : 1)));
}

/** A table from rows of cells; the first row is the header. */
export function table(rows, caption) {
  const [head, ...body] = rows;
  return el('table', {},
    caption ? el('caption', {}, caption) : null,
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, body.map((r) => el('tr', {}, r.map((c, i) => (i === 0 ? el('th', { scope: 'row' }, c) : el('td', {}, c)))))));
}
