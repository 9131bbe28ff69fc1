// The Ask view: question → grounded answer, laid out for a reader: the asked
// figure first, a table when there are several, the answer text, what was
// understood, how it was computed, then the sources once (selecting one opens
// it on the chart). Also: what is loaded, example questions built from it,
// this session's questions (sessionStorage), and a copy button. The asked
// question lives in the URL (#ask?q=...), so it can be bookmarked, shared, and
// Back/Forward move between questions.
import { api, el, formatNumber, onSubmit } from './api.js';

const HISTORY_KEY = 'ohlcv-rag.history';
const HISTORY_MAX = 20;

// Pattern names the parser reports, in words (the rest: underscores → spaces).
const PATTERN_WORDS = {
  breakout_20_high: '20-day high breakout', breakdown_20_low: '20-day low breakdown',
  breakout_52w_high: '52-week high breakout', breakdown_52w_low: '52-week low breakdown',
  golden_cross: 'golden cross', death_cross: 'death cross', rsi_overbought: 'RSI overbought',
  rsi_oversold: 'RSI oversold', macd_bullish_cross: 'MACD bullish cross', macd_bearish_cross: 'MACD bearish cross',
  bollinger_squeeze: 'Bollinger squeeze', bullish_reversal: 'bullish reversal', bearish_reversal: 'bearish reversal',
  volume_spike: 'volume spike', gap_up: 'gap up', gap_down: 'gap down',
};

// The text without the generator's trailing "Sources: [1] ..." paragraph:
// the sources are listed once, below.
export function answerBody(reply) {
  let text = reply.answer || '';
  const at = text.lastIndexOf('\n\nSources: ');
  if (at >= 0 && (reply.sources || []).length && text.indexOf('[1] ', at) > 0 && text.indexOf('\n\n', at + 2) < 0) {
    text = text.slice(0, at);
  }
  return text.trim();
}

// Parser notes ("pattern: broke out -> breakout_20_high breakout_52w_high",
// "date: March 2019", "sector: tech -> Information Technology") in words.
export function understoodInWords(notes) {
  const words = [];
  for (const note of notes || []) {
    const m = note.match(/^([a-z ]+): (.*)$/);
    if (!m) { words.push(note); continue; }
    const [, kind, rest] = m;
    const [phrase, target] = rest.includes(' -> ') ? rest.split(' -> ') : [rest, ''];
    if (kind === 'pattern') {
      words.push((target || phrase).split(/\s+/).map((n) => PATTERN_WORDS[n] || n.replaceAll('_', ' ')).join(' or '));
    } else if (kind === 'sector') words.push(`${target || phrase} sector`);
    else if (kind === 'company') words.push(target ? `${target} (${phrase})` : phrase);
    else if (kind === 'date' || kind === 'ticker') words.push(rest);
    else if (kind === 'out of scope') continue;  // the answer says so itself
    else words.push(note);
  }
  return words.join('; ');
}

// Example questions from what is loaded (the same rule as the server's
// out-of-scope answer, kb/question_scope.cc): a ticker (AAPL when loaded),
// the last full year of its data, a second ticker to compare with.
export function exampleQuestions(tickers) {
  const daily = tickers.filter((t) => t.interval === '1d' && t.bars > 0);
  const list = (daily.length ? daily : tickers).slice().sort((a, b) => a.ticker.localeCompare(b.ticker));
  if (!list.length) return [];
  const a = list.find((t) => t.ticker === 'AAPL') || list[0];
  const b = list.find((t) => t.ticker !== a.ticker);
  const firstYear = Number(a.first.slice(0, 4));
  const lastYear = Number(a.last.slice(0, 4));
  let year = a.last.slice(5, 10) >= '12-28' ? lastYear : lastYear - 1;
  if (year < firstYear) year = lastYear;
  const out = [`How did ${a.ticker} perform in ${year}?`, `What was the volatility of ${a.ticker} in ${year}?`];
  if (b) out.push(`Compare ${a.ticker} and ${b.ticker} in ${year}`);
  out.push(`When did ${a.ticker} break out above its 20-day high in ${year}?`);
  return out;
}

// "2 tickers (AAPL, MSFT) · 2015-01-02 to 2019-10-25 · interval 1d"
export function loadedSummary(tickers) {
  if (!tickers.length) return 'Nothing is loaded yet: start an ingest (Ingest tab) or run `ohlcv-rag setup`.';
  const names = [...new Set(tickers.map((t) => t.ticker))].sort();
  const intervals = [...new Set(tickers.map((t) => t.interval))].sort();
  const first = tickers.map((t) => t.first).sort()[0];
  const last = tickers.map((t) => t.last).sort().at(-1);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')} and ${names.length - 8} more` : names.join(', ');
  return `Loaded: ${names.length} ticker${names.length === 1 ? '' : 's'} (${shown}) · ${first} to ${last} · ` +
    `interval ${intervals.join(', ')}`;
}

// "AAPL 2018-01-02 to 2018-12-31 return" → ["AAPL 2018-01-02 to 2018-12-31",
// "return"]: the subject ends with its last date (else its first word).
export function splitLabel(label) {
  const dates = [...label.matchAll(/\d{4}-\d\d-\d\d/g)];
  const end = dates.length ? dates.at(-1).index + 10 : label.indexOf(' ');
  if (end <= 0 || end >= label.length) return [label, ''];
  return [label.slice(0, end), label.slice(end).trim()];
}

// A fact's value with its unit when the text lacks it ("22.38" → "22.38%").
export function factValue(f) {
  return f.unit === '%' && f.text && !f.text.endsWith('%') ? `${f.text}%` : f.text;
}

// Facts as a table: a row per measure, a column per subject (the tickers
// when they share one period, named in the caption).
export function factsTable(facts) {
  const subjects = [];
  const measures = [];
  const cell = new Map();
  for (const f of facts) {
    const [subject, measure] = splitLabel(f.label);
    if (!subjects.includes(subject)) subjects.push(subject);
    if (!measures.includes(measure)) measures.push(measure);
    const key = `${subject}\u0000${measure}`;
    cell.set(key, cell.has(key) ? `${cell.get(key)}, ${factValue(f)}` : factValue(f));
  }
  // The period most subjects share goes into the caption; their columns are
  // headed by the ticker alone.
  const rest = subjects.map((s) => (s.includes(' ') ? s.slice(s.indexOf(' ') + 1) : ''));
  const count = new Map();
  for (const r of rest) if (r) count.set(r, (count.get(r) || 0) + 1);
  const common = [...count.entries()].sort((a, b) => b[1] - a[1])[0];
  const shared = subjects.length > 1 && common && common[1] >= 2 ? common[0] : '';
  const heads = subjects.length === 1 ? ['Value']
    : subjects.map((s, i) => (shared && rest[i] === shared ? s.slice(0, s.indexOf(' ')) : s));
  const caption = subjects.length === 1 ? `Figures: ${subjects[0]}` : shared ? `Figures, ${shared}` : 'Figures';
  const rows = measures.map((m) => [m, ...subjects.map((s) => cell.get(`${s}\u0000${m}`) ?? '–')]);
  return { caption, heads, rows };
}

export class AskView {
  // onSource(source): open a source on the chart; onAsked(question): the
  // page records the question in the URL (history.pushState).
  constructor(onSource, onAsked) {
    this.onSource = onSource;
    this.onAsked = onAsked;
    this.form = document.getElementById('ask-form');
    this.input = document.getElementById('ask-question');
    this.status = document.getElementById('ask-status');
    this.replies = new Map();  // question → reply, for Back/Forward without asking again
    this.current = '';
    this.lastReply = null;
    onSubmit(this.form, () => this.ask(this.input.value, { record: true }));
    document.getElementById('answer-copy').addEventListener('click', () => this.copy());
    document.getElementById('history-clear').addEventListener('click', () => {
      sessionStorage.removeItem(HISTORY_KEY);
      this.renderHistory();
    });
    this.renderHistory();
  }

  // What is loaded and example questions from it (GET /api/v1/tickers).
  setLoaded(tickers) {
    document.getElementById('ask-loaded').textContent = loadedSummary(tickers);
    const box = document.getElementById('ask-examples');
    const examples = exampleQuestions(tickers);
    box.replaceChildren(...(examples.length ? [el('span', { class: 'hint', text: 'Try: ' })] : []),
      ...examples.map((q) => el('button', { type: 'button', class: 'example', onclick: () => this.ask(q, { record: true }) },
        q)));
    if (examples.length) this.input.placeholder = `e.g. ${examples[0]}`;
  }

  history() {
    try {
      return JSON.parse(sessionStorage.getItem(HISTORY_KEY) || '[]');
    } catch {
      return [];
    }
  }

  remember(question) {
    const list = [question, ...this.history().filter((q) => q !== question)].slice(0, HISTORY_MAX);
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(list));
    this.renderHistory();
  }

  renderHistory() {
    const list = this.history();
    const box = document.getElementById('ask-history');
    box.replaceChildren(...list.map((q) => el('li', {},
      el('button', { type: 'button', class: 'link', onclick: () => this.ask(q, { record: true }) }, q))));
    document.getElementById('ask-history-box').hidden = list.length === 0;
  }

  // Asks `question`; record: add it to the URL (a new history entry) and the
  // session history. From Back/Forward (record false) a known reply is shown
  // again without asking.
  async ask(text, { record }) {
    const question = String(text || '').trim();
    if (!question) return;
    this.input.value = question;
    if (record && this.onAsked) this.onAsked(question);
    this.current = question;
    if (!record && this.replies.has(question)) {
      this.show(this.replies.get(question));
      return;
    }
    const n = Number(document.getElementById('ask-n').value) || 5;
    const button = this.form.querySelector('button[type=submit]');
    button.disabled = true;
    this.status.textContent = 'Thinking…';
    try {
      const reply = await api('/api/v1/query', { method: 'POST', body: { question, n_results: n } });
      if (this.current !== question) return;  // a newer question won
      this.replies.set(question, reply);
      this.show(reply);
      this.remember(question);
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = `Error: ${e}`;
    } finally {
      button.disabled = false;
    }
  }

  show(reply) {
    this.lastReply = reply;
    const facts = reply.facts || [];
    // The asked figure first; then a table when there are several.
    const lead = document.getElementById('answer-lead');
    lead.replaceChildren();
    // Confidence and the lead figure only where the question was understood
    // and figures computed (kb/question_scope.h; docs/answers.md).
    const meaningful = facts.length > 0 && !reply.no_data && (reply.notes || []).length > 0;
    if (meaningful) lead.append(el('span', { class: 'label', text: `${facts[0].label}: ` }), el('strong', { text: factValue(facts[0]) }));
    lead.hidden = !meaningful;
    const table = document.getElementById('answer-table');
    const t2 = factsTable(facts);
    table.caption.textContent = t2.caption;
    table.tHead.replaceChildren(el('tr', {}, el('th', { scope: 'col', text: 'Figure' }),
      ...t2.heads.map((h) => el('th', { scope: 'col', class: 'num', text: h }))));
    table.tBodies[0].replaceChildren(...t2.rows.map(([m, ...values]) => el('tr', {},
      el('th', { scope: 'row', text: m }), ...values.map((v) => el('td', { class: 'num', text: v })))));
    table.hidden = facts.length < 2;
    // Dates keep together when the text wraps (non-breaking hyphens).
    document.getElementById('answer-text').textContent =
      answerBody(reply).replace(/(\d{4})-(\d\d)-(\d\d)/g, '$1\u2011$2\u2011$3');
    const understood = understoodInWords(reply.notes);
    const u = document.getElementById('answer-understood');
    u.textContent = understood ? `Understood: ${understood}` : '';
    u.hidden = !understood;
    const how = document.getElementById('answer-how');
    document.getElementById('answer-computations').replaceChildren(...(reply.computations || []).map((c) =>
      el('li', {}, el('strong', { text: c.name }), ` of ${flat(c.inputs)} = ${flat(c.result)}`)));
    how.hidden = !(reply.computations || []).length;
    const t = reply.timings || {};
    document.getElementById('answer-meta').textContent =
      `Question type: ${reply.query_type}` +
      (meaningful ? ` · confidence ${Math.round(reply.confidence * 100)}% (data coverage and exact matches)` : '') +
      ` · ${formatNumber(t.total_ms, 1)} ms${reply.cached ? ' (cached)' : ''}`;
    const sources = document.getElementById('answer-sources');
    sources.replaceChildren(...(reply.sources || []).map((s, i) => el('li', {},
      el('button', {
        type: 'button', class: 'source', 'data-window': s.window_id,
        'aria-label': `Show source ${i + 1} on the chart: ${s.ticker} ${s.start_date} to ${s.end_date}`,
        onclick: () => this.onSource(s),
      }, el('strong', { text: s.ticker }), ` ${s.start_date} → ${s.end_date}`),
      el('span', { class: 'meta', text: s.exact ? ' · matches every condition asked' : ' · related period' }),
      readableWhy(s.why) ? el('div', { class: 'why', text: readableWhy(s.why) }) : null)));
    document.getElementById('answer-sources-box').hidden = !sources.children.length;
    document.getElementById('copy-status').textContent = '';
    document.getElementById('ask-answer').hidden = false;
  }

  // The answer as plain text (figures and sources included) to the clipboard.
  async copy() {
    const r = this.lastReply;
    if (!r) return;
    const lines = [`Q: ${this.current}`, '', answerBody(r)];
    if ((r.facts || []).length) lines.push('', ...r.facts.map((f) => `${f.label}: ${factValue(f)}`));
    if ((r.sources || []).length) {
      lines.push('', 'Sources:', ...r.sources.map((s, i) => `[${i + 1}] ${s.ticker} ${s.start_date} to ${s.end_date}`));
    }
    const text = lines.join('\n');
    const status = document.getElementById('copy-status');
    try {
      await navigator.clipboard.writeText(text);
      status.textContent = 'Copied';
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const answer = document.getElementById('answer-text');
      window.getSelection().selectAllChildren(answer);
      status.textContent = 'Selected: press Ctrl+C to copy';
    }
  }
}

// Why a source was retrieved, without the raw similarity numbers ("vector
// cos 0.36"), which only order the list.
function readableWhy(why) {
  return (why || []).filter((w) => !/\bcos\b/.test(w)).join('; ');
}

function flat(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Math.abs(v) >= 1000 ? v.toFixed(0) : String(Number(v.toPrecision(4)));
  if (Array.isArray(v)) return `[${v.map(flat).join(', ')}]`;
  if (typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k} ${flat(x)}`).join(', ');
  return String(v);
}
