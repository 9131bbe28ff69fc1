// Calls to the /api/v1 routes. Every call sends the API key kept in
// sessionStorage (this tab only, gone when the session ends). A 401 (no key)
// or 403 (a key the server does not know) clears the key, shows the key
// prompt and retries the call with the new key once the user gives one, so a
// wrong key simply brings the prompt back.

const KEY_NAME = 'ohlcv-rag.api-key';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
  // As the API reports it: "400 bad_request: field 'tickers' ..."
  toString() {
    return `${this.status} ${this.code}: ${this.message}`;
  }
}

let pendingPrompt = null;  // one prompt shared by concurrent calls
let promptHandler = null;  // (reason) => Promise<string key>, set by the page

export function setKeyPrompt(handler) {
  promptHandler = handler;
}

export function currentKey() {
  return sessionStorage.getItem(KEY_NAME) || '';
}

export function storeKey(key) {
  if (key) sessionStorage.setItem(KEY_NAME, key);
  else sessionStorage.removeItem(KEY_NAME);
}

function askForKey(reason) {
  if (!pendingPrompt) {
    pendingPrompt = promptHandler(reason).then((key) => {
      storeKey(key);
      pendingPrompt = null;
      return key;
    });
  }
  return pendingPrompt;
}

// fetch() with the key; resolves to the parsed JSON body of a 2xx reply,
// rejects with ApiError carrying the API's {"error":{code,message}}.
export async function api(path, { method = 'GET', body, signal } = {}) {
  for (;;) {
    const headers = { Accept: 'application/json' };
    const key = currentKey();
    if (key) headers['X-API-Key'] = key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res;
    try {
      res = await fetch(path, { method, headers, signal, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ApiError(0, 'network', `the server did not answer (${e.message})`);
    }
    const data = await res.json().catch(() => null);
    if ((res.status === 401 || res.status === 403) && promptHandler) {
      storeKey('');
      const reason = res.status === 401 ? 'This server needs an API key.'
                                        : `The key was rejected (${data?.error?.message || 'forbidden'}).`;
      await askForKey(reason);
      continue;
    }
    if (!res.ok) {
      let message = data?.error?.message || res.statusText;
      const retry = res.headers.get('Retry-After');
      if (retry) message += ` (retry after ${retry} s)`;
      throw new ApiError(res.status, data?.error?.code || `http_${res.status}`, message);
    }
    return data;
  }
}

// "2019-03-01" for epoch seconds (UTC), the API's date form.
export function isoDate(seconds) {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

// Epoch seconds for "2019-03-01" or "2019-03-01 14:30" (UTC).
export function toSeconds(date) {
  const s = date.length > 10 ? `${date.replace(' ', 'T')}:00Z` : `${date}T00:00:00Z`;
  return Math.floor(Date.parse(s) / 1000);
}

export function formatNumber(v, digits = 2) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

export function formatPct(v) {
  if (v === null || v === undefined || !Number.isFinite(v)) return '–';
  return `${v >= 0 ? '+' : ''}${v.toFixed(2)}%`;
}

// Runs handler() on the form's submit instead of navigating.
export function onSubmit(form, handler) {
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    handler();
  });
}

// Small DOM helper: el('li', {class: 'x', text: 'hi'}, child...).
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) if (c !== null && c !== undefined) node.append(c);
  return node;
}
