// Entry point: tabs (hash-addressable: #ask, #chart, #similar, #ingest,
// #status; a question as #ask?q=...), the API-key prompt, and the ticker
// lists the forms share. Moving between tabs and asking a question push
// history entries, so Back and Forward walk through them (popstate).
import { api, currentKey, el, setKeyPrompt, storeKey } from './api.js';
import { AskView } from './ask.js';
import { ChartView } from './chart_view.js';
import { IngestView } from './ingest.js';
import { SimilarView } from './similar.js';
import { StatusView } from './status.js';

const VIEWS = ['ask', 'chart', 'similar', 'ingest', 'status'];

// ---- API key prompt -------------------------------------------------------
const dialog = document.getElementById('key-dialog');
const keyInput = document.getElementById('key-input');
const keyError = document.getElementById('key-error');
let resolveKey = null;

function promptForKey(reason) {
  keyError.textContent = reason || '';
  keyInput.value = '';
  if (!dialog.open) dialog.showModal();
  keyInput.focus();
  return new Promise((resolve) => { resolveKey = resolve; });
}

document.getElementById('key-form').addEventListener('submit', (e) => {
  const key = keyInput.value.trim();
  if (!key) {
    e.preventDefault();
    return;
  }
  // method="dialog" closes the dialog after this handler. Stored here too,
  // for a prompt opened by the "API key…" button that no call waits on.
  storeKey(key);
  const resolve = resolveKey;
  resolveKey = null;
  if (resolve) resolve(key);
});
// Escape would leave pending calls waiting for a key: keep the prompt up
// while one is wanted.
dialog.addEventListener('cancel', (e) => {
  if (resolveKey) e.preventDefault();
});
// Browsers may close it anyway (a repeated Escape): answer "no key", so the
// waiting call retries, gets its 401 and asks again instead of hanging.
dialog.addEventListener('close', () => {
  const resolve = resolveKey;
  resolveKey = null;
  if (resolve) resolve('');
  // The dialog hands focus back to whatever had it (often the page body):
  // put it where the user types instead.
  setTimeout(focusCurrentView, 0);
});

function focusCurrentView() {
  if (dialog.open) return;
  const view = VIEWS.find((v) => !document.getElementById(`view-${v}`).hidden) || 'ask';
  const target = view === 'ask' ? document.getElementById('ask-question')
    : document.querySelector(`#view-${view} input, #view-${view} select, #view-${view} button`);
  if (target) target.focus();
}
document.getElementById('change-key').addEventListener('click', () => {
  promptForKey(currentKey() ? 'Replace the key used for this tab.' : '');
});
setKeyPrompt(promptForKey);

// ---- Tabs -----------------------------------------------------------------
const tabs = VIEWS.map((v) => document.getElementById(`tab-${v}`));

// "#ask?q=How%20did..." → {view: 'ask', q: 'How did...'}
function parseHash(hash) {
  const [view, query] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query || '');
  return { view: VIEWS.includes(view) ? view : 'ask', q: params.get('q') || '' };
}

function hashFor(view, q) {
  return q ? `#${view}?q=${encodeURIComponent(q)}` : `#${view}`;
}

// push: a new history entry (a click or a question); false for Back/Forward
// and the first load, which only follow the URL.
function show(view, { focus = false, push = true } = {}) {
  if (!VIEWS.includes(view)) view = 'ask';
  for (const v of VIEWS) {
    const selected = v === view;
    const tab = document.getElementById(`tab-${v}`);
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
    document.getElementById(`view-${v}`).hidden = !selected;
  }
  if (focus) document.getElementById(`tab-${view}`).focus();
  if (push && parseHash(location.hash).view !== view) {
    // The Ask tab comes back with its question.
    const q = view === 'ask' ? askView.current : '';
    history.pushState(null, '', hashFor(view, q));
  }
  onShow(view);
}

for (const tab of tabs) {
  tab.addEventListener('click', () => show(tab.id.slice(4)));
  tab.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(tab);
    let j = null;
    if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = tabs.length - 1;
    if (j !== null) {
      e.preventDefault();
      show(VIEWS[j], { focus: true });
    }
  });
}
// Back/Forward (and a hash typed in the address bar): follow the URL.
function followUrl() {
  const { view, q } = parseHash(location.hash);
  show(view, { push: false });
  if (view === 'ask' && q && q !== askView.current) askView.ask(q, { record: false });
}
window.addEventListener('popstate', followUrl);
window.addEventListener('hashchange', followUrl);

// ---- Views ----------------------------------------------------------------
const chartView = new ChartView();
const statusView = new StatusView();
const openOnChart = async (source) => {
  show('chart');
  await chartView.showWindow(source);
};
const askView = new AskView(openOnChart, (question) => {
  const { view, q } = parseHash(location.hash);
  if (view !== 'ask' || q !== question) history.pushState(null, '', hashFor('ask', question));
});
new SimilarView(openOnChart);
new IngestView(() => loadTickers());

let tickersLoaded = null;

// Fills the ticker selects from GET /api/v1/tickers (daily series first).
function loadTickers() {
  tickersLoaded = api('/api/v1/tickers').then((reply) => {
    askView.setLoaded(reply.tickers);
    const names = [...new Set(reply.tickers.map((t) => t.ticker))].sort();
    for (const id of ['chart-ticker', 'similar-ticker']) {
      const select = document.getElementById(id);
      const keep = select.value;
      select.replaceChildren(...names.map((n) => el('option', { value: n, text: n })));
      if (names.includes(keep)) select.value = keep;
    }
    return names;
  }).catch((e) => {
    document.getElementById('chart-status').textContent = `Error: ${e}`;
    return [];
  });
  return tickersLoaded;
}

async function onShow(view) {
  if (view === 'status') statusView.refresh();
  if (view === 'chart' && !chartView.chart) {
    await tickersLoaded;
    if (!chartView.chart) chartView.load({ highlight: null });
  }
}

loadTickers();
{
  const { view, q } = parseHash(location.hash);
  show(view, { push: false });
  if (!location.hash) history.replaceState(null, '', hashFor(view, ''));
  if (view === 'ask' && q) askView.ask(q, { record: false });
}
document.documentElement.dataset.ready = 'true';
