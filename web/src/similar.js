// The Similar periods view: the k windows most similar in shape to a
// ticker's window ending at a date, each drawn as a small chart normalised to
// 100 at its first close, with what followed it (the next FOLLOW_BARS bars,
// dashed) so the user sees how each analogue played out.
import { api, el, formatPct, onSubmit, toSeconds } from './api.js';

const FOLLOW_BARS = 20;
const SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// Closes of [start, end] and of the FOLLOW_BARS bars after it.
async function windowAndAfter(hit) {
  const endSeconds = toSeconds(hit.end);
  // Calendar days enough for FOLLOW_BARS trading days after the window.
  const until = new Date((endSeconds + 45 * 86400) * 1000).toISOString().slice(0, 10);
  const params = new URLSearchParams({ start: hit.start, end: until, interval: hit.interval || '1d' });
  const reply = await api(`/api/v1/tickers/${encodeURIComponent(hit.ticker)}/bars?${params}`);
  const inside = [];
  const after = [];
  for (const b of reply.bars) {
    if (toSeconds(b.date) <= endSeconds) inside.push(b.close);
    else if (after.length < FOLLOW_BARS) after.push(b.close);
  }
  return { inside, after };
}

function sparkline(inside, after, label) {
  const W = 260, H = 96, P = 4;
  const base = inside[0];
  const all = [...inside, ...after].map((c) => (c / base) * 100);
  const lo = Math.min(...all), hi = Math.max(...all);
  const n = all.length;
  // Every card spans window + FOLLOW_BARS, so the cut sits at the same x and
  // a window with nothing after it yet leaves the room empty.
  const span = Math.max(n, inside.length + FOLLOW_BARS);
  const x = (i) => P + (i * (W - 2 * P)) / Math.max(1, span - 1);
  const y = (v) => H - P - ((v - lo) * (H - 2 * P)) / Math.max(1e-9, hi - lo);
  const pts = (from, to) => all.slice(from, to).map((v, j) => `${x(from + j).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': label });
  root.append(svg('line', { x1: P, x2: W - P, y1: y(100), y2: y(100), class: 'base' }));
  const rising = inside[inside.length - 1] >= inside[0];
  root.append(svg('polyline', { points: pts(0, inside.length), class: rising ? 'win up' : 'win down' }));
  root.append(svg('line', { x1: x(inside.length - 1), x2: x(inside.length - 1), y1: P, y2: H - P, class: 'cut' }));
  if (after.length) root.append(svg('polyline', { points: pts(inside.length - 1, n), class: 'after' }));
  return root;
}

// The shape score (cosine of the normalised price paths) in words.
export function shapeWords(score) {
  if (score >= 0.95) return 'nearly the same shape';
  if (score >= 0.85) return 'very similar shape';
  if (score >= 0.7) return 'similar shape';
  if (score >= 0.5) return 'loosely similar';
  return 'weakly similar';
}

export class SimilarView {
  // onOpen(source): open {ticker, start_date, end_date} on the chart.
  constructor(onOpen) {
    this.onOpen = onOpen;
    this.form = document.getElementById('similar-form');
    this.status = document.getElementById('similar-status');
    this.results = document.getElementById('similar-results');
    onSubmit(this.form, () => this.search());
  }

  async search() {
    const ticker = document.getElementById('similar-ticker').value;
    const end = document.getElementById('similar-end').value;
    const k = Number(document.getElementById('similar-k').value) || 6;
    if (!ticker) {
      this.status.textContent = 'No tickers in the store yet: run an ingest first.';
      return;
    }
    this.status.textContent = 'Searching…';
    this.results.replaceChildren();
    try {
      const other = document.getElementById('similar-other').checked;
      const body = { ticker, k, exclude_overlapping: other };
      if (end) body.end = end;
      const reply = await api('/api/v1/similar', { method: 'POST', body });
      const hits = [{ ...reply.query, isQuery: true }, ...reply.similar];
      const cards = await Promise.all(hits.map((h) => this.card(h)));
      this.results.replaceChildren(...cards);
      this.status.textContent = `${reply.similar.length} periods similar to ${reply.query.ticker} ` +
        `${reply.query.start} → ${reply.query.end}${other ? ' (other dates only)' : ''}`;
    } catch (e) {
      this.status.textContent = `Error: ${e}`;
    }
  }

  async card(hit) {
    const title = `${hit.ticker} ${hit.start} → ${hit.end}`;
    const figure = el('figure', { class: hit.isQuery ? 'card query' : 'card' });
    try {
      const { inside, after } = await windowAndAfter(hit);
      if (inside.length < 2) throw new Error('no bars stored for this window');
      const followed = after.length ? (after[after.length - 1] / inside[inside.length - 1] - 1) * 100 : null;
      figure.append(sparkline(inside, after,
        `${title}: ${formatPct(hit.return_pct)} in the window` +
        (followed === null ? '' : `, ${formatPct(followed)} over the next ${after.length} bars`)));
      figure.append(el('figcaption', {},
        el('strong', { text: hit.isQuery ? `Query: ${hit.ticker}` : hit.ticker }),
        ` ${hit.start} → ${hit.end}`, el('br'),
        `window ${formatPct(hit.return_pct)}`,
        followed === null ? ' · nothing after it yet'
                          : ` · then ${formatPct(followed)} over ${after.length} bars`,
        hit.isQuery ? null : el('br'),
        hit.isQuery ? null : el('span', { class: 'match', text: `${shapeWords(hit.score)} (match ${Math.round(Math.max(0, hit.score) * 100)}%)` }),
        el('br'),
        el('button', {
          type: 'button', class: 'secondary open-chart',
          'aria-label': `Open ${hit.ticker} ${hit.start} to ${hit.end} on the chart`,
          onclick: () => this.onOpen({ ticker: hit.ticker, start_date: hit.start, end_date: hit.end }),
        }, 'Open on chart')));
    } catch (e) {
      figure.append(el('figcaption', { text: `${title}: ${e}` }));
    }
    return figure;
  }
}
