// End-to-end test of the web UI (issue 7): the real `ohlcv-rag serve` binary
// on loopback with real ingested data (synthetic AAPL/MSFT through the CLI,
// plus a small CSV ingested through the page), driven in headless Debian
// Chromium by playwright-core.
//
// Checks: page headers (content types, CSP, caching, 304), the key prompt
// (a wrong key brings it back), Ask (answer + sources), a source opening
// highlighted on the chart, chart overlays and pattern tooltips, Similar
// periods, an ingest reaching 100% and an API error shown as reported,
// Status, no console errors or CSP violations, and first paint (median of 5
// loads, must be < 1 s). Screenshots go to ARTIFACTS/*.png (paths printed).
//
// Usage: node tests/web/e2e.mjs --binary build/ohlcv-rag --artifacts build/web-artifacts
//        [--node-dir .cache/web-node] [--chromium /usr/bin/chromium]
// Exit 0 when every check passes; 77 (ctest SKIP_RETURN_CODE) when the binary
// has no embedded UI or playwright-core is missing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const binary = path.resolve(args.binary || path.join(root, 'build/ohlcv-rag'));
const artifacts = path.resolve(args.artifacts || path.join(path.dirname(binary), 'web-artifacts'));
const nodeDir = path.resolve(args['node-dir'] || process.env.OHLCV_WEB_NODE_DIR ||
  path.join(process.env.OHLCV_CACHE_DIR || path.join(root, '.cache'), 'web-node'));
const chromiumPath = args.chromium || '/usr/bin/chromium';
const KEY = 'e2e-test-key';
const SKIP = 77;
fs.mkdirSync(artifacts, { recursive: true });

let playwright;
try {
  playwright = createRequire(path.join(nodeDir, 'package.json'))('playwright-core');
} catch (e) {
  console.log(`SKIP: playwright-core not found under ${nodeDir} (run web/build.sh): ${e.message}`);
  process.exit(SKIP);
}

const failures = [];
function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}
const screenshots = [];
async function shot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  screenshots.push(file);
}

// ---- Data: synthetic tickers through the CLI, a CSV fixture for the page ---
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ohlcv-web-e2e-'));
const dataDir = path.join(work, 'data');
const env = {
  ...process.env, OHLCV_DATA_DIR: dataDir, OHLCV_EMBEDDER: 'hashing', API_KEY: KEY,
  OHLCV_RATE_LIMIT_RPS: '0', OHLCV_METRICS_PORT: '-1', OHLCV_HTTP_PORT: '0', LOG_LEVEL: 'info',
  OHLCV_LOG_FORMAT: 'json', OHLCV_DRAIN_SECONDS: '0',
};
delete env.OHLCV_CSV_PATH;
// CSV ingests over the API read only inside the allowed folders (issue 18).
env.OHLCV_INGEST_ROOTS = work;

function writeCsvFixture(file) {
  // Two tickers, 260 trading days each, a deterministic random walk.
  const rows = ['Date,High,Low,Open,Close,Volume,Adj Close,Name'];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (const [name, start] of [['CSVA', 50], ['CSVB', 120]]) {
    let close = start;
    const day = new Date(Date.UTC(2018, 0, 1));
    for (let n = 0; n < 260;) {
      day.setUTCDate(day.getUTCDate() + 1);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const open = close;
      close = Math.max(1, open * (1 + (rand() - 0.48) * 0.04));
      const high = Math.max(open, close) * (1 + rand() * 0.01);
      const low = Math.min(open, close) * (1 - rand() * 0.01);
      const vol = Math.round(1e6 * (0.5 + rand()));
      rows.push([day.toISOString().slice(0, 10), high.toFixed(2), low.toFixed(2), open.toFixed(2),
        close.toFixed(2), vol, close.toFixed(2), name].join(','));
      n++;
    }
  }
  fs.writeFileSync(file, rows.join('\n') + '\n');
}

const csvPath = path.join(work, 'fixture.csv');
writeCsvFixture(csvPath);
// 60 short series (ZT00..ZT59) of the same shape over the same dates: rows
// for the Status table's pages, and perfect same-date "analogues" for the
// similar route's exclude_overlapping.
const manyPath = path.join(work, 'many.csv');
{
  const rows = ['Date,Open,High,Low,Close,Volume,Name'];
  for (let k = 0; k < 60; k++) {
    const day = new Date(Date.UTC(2019, 0, 1));
    for (let n = 0; n < 60;) {
      day.setUTCDate(day.getUTCDate() + 1);
      if (day.getUTCDay() === 0 || day.getUTCDay() === 6) continue;
      const c = (20 + k) * (1 + 0.05 * Math.sin(n / 4) + 0.002 * n);
      rows.push([day.toISOString().slice(0, 10), c.toFixed(2), (c + 0.5).toFixed(2), (c - 0.5).toFixed(2),
        (c + 0.1).toFixed(2), 100000 + n * 10 + k, `ZT${String(k).padStart(2, '0')}`].join(','));
      n++;
    }
  }
  fs.writeFileSync(manyPath, rows.join('\n') + '\n');
}
const ingest = spawnSync(binary, ['ingest', '--source', 'synthetic', '--tickers', 'AAPL,MSFT'],
  { env, encoding: 'utf8', timeout: 60000 });
if (ingest.status !== 0) {
  console.log(`FAIL: CLI ingest exited ${ingest.status}\n${ingest.stdout}\n${ingest.stderr}`);
  process.exit(1);
}
const ingestMany = spawnSync(binary, ['ingest', '--source', 'csv', '--path', manyPath],
  { env, encoding: 'utf8', timeout: 60000 });
if (ingestMany.status !== 0) {
  console.log(`FAIL: CLI ingest of ${manyPath} exited ${ingestMany.status}\n${ingestMany.stdout}\n${ingestMany.stderr}`);
  process.exit(1);
}
const axeSource = (() => {
  try {
    return fs.readFileSync(createRequire(path.join(nodeDir, 'package.json')).resolve('axe-core/axe.min.js'), 'utf8');
  } catch {
    return null;
  }
})();

// Accessibility: axe-core run in the page; serious or critical violations fail.
async function checkAxe(page, where) {
  if (!axeSource) {
    check(false, `axe-core found under ${nodeDir} (run web/build.sh)`);
    return;
  }
  // evaluate() is not subject to the page's CSP (an injected <script> would be).
  await page.evaluate(`${axeSource}\n;0`);
  const violations = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
      target: v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ') }));
  });
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of violations) console.log(`  axe ${where}: ${v.impact} ${v.id} (${v.nodes}) ${v.target}`);
  check(bad.length === 0, `axe: no serious/critical violations on ${where} (${bad.map((v) => v.id).join(', ')})`);
}

// ---- The server ----------------------------------------------------------
const server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let serverLog = '';
const port = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no "listening" line in 30 s:\n${serverLog}`)), 30000);
  let buf = '';
  server.stdout.on('data', (chunk) => {
    serverLog += chunk;
    buf += chunk;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        const j = JSON.parse(line);
        if (j.message === 'listening') {
          clearTimeout(timer);
          resolve(j.http_port);
        }
      } catch { /* not JSON */ }
    }
  });
  server.stderr.on('data', (chunk) => { serverLog += chunk; });
  server.on('exit', (code) => reject(new Error(`server exited ${code}:\n${serverLog}`)));
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; i < 100; i++) {  // /startup turns 200 once the engine is open
  const r = await fetch(`${base}/startup`).catch(() => null);
  if (r && r.status === 200) break;
  await new Promise((r) => setTimeout(r, 100));
}

let browser;
let exitCode = 1;
try {
  // ---- Headers: content types, CSP, caching ------------------------------
  const index = await fetch(`${base}/`);
  const html = await index.text();
  if (!/assets\/app-[a-z0-9]+\.js/.test(html)) {
    console.log('SKIP: this binary has no embedded UI (configure with -DOHLCV_WEB_DIST=<web/build.sh output>)');
    exitCode = SKIP;
    throw null;
  }
  check(index.status === 200 && index.headers.get('content-type') === 'text/html; charset=utf-8',
    `GET / is text/html (${index.headers.get('content-type')})`);
  const csp = index.headers.get('content-security-policy') || '';
  check(csp.includes("script-src 'self'") && csp.includes("default-src 'none'") && !csp.includes('unsafe'),
    `strict CSP: ${csp}`);
  check(index.headers.get('cache-control') === 'no-cache', 'index.html is Cache-Control: no-cache');
  check(index.headers.get('x-content-type-options') === 'nosniff', 'nosniff');
  const again = await fetch(`${base}/`, { headers: { 'If-None-Match': index.headers.get('etag') } });
  check(again.status === 304, `revalidation with the ETag answers 304 (${again.status})`);
  const jsName = html.match(/assets\/(app-[a-z0-9]+\.js)/)[1];
  const cssName = html.match(/assets\/(app-[a-z0-9]+\.css)/)[1];
  const js = await fetch(`${base}/assets/${jsName}`);
  const jsBytes = (await js.arrayBuffer()).byteLength;
  check(js.status === 200 && js.headers.get('content-type') === 'text/javascript; charset=utf-8',
    `bundle is text/javascript (${js.headers.get('content-type')})`);
  check(/immutable/.test(js.headers.get('cache-control') || ''), 'hashed bundle is immutable');
  const css = await fetch(`${base}/assets/${cssName}`);
  const cssBytes = (await css.arrayBuffer()).byteLength;
  check(css.headers.get('content-type') === 'text/css; charset=utf-8', 'stylesheet is text/css');
  check(!/<script>|<style|\sstyle=|\son[a-z]+=/i.test(html), 'index.html has no inline script, style or handler');
  check((await fetch(`${base}/assets/nope.js`)).status === 404, 'unknown asset is 404');
  console.log(`bundle: ${html.length} B html + ${jsBytes} B js + ${cssBytes} B css`);

  // ---- Browser -------------------------------------------------------------
  browser = await playwright.chromium.launch({
    executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  context.setDefaultTimeout(15000);
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  // Key prompt: the first API call gets 401 and the prompt opens.
  await page.goto(`${base}/`);
  const dialog = page.locator('#key-dialog');
  await dialog.waitFor({ state: 'visible' });
  check(true, 'no key: the key prompt opens');
  await shot(page, 'key-prompt');
  await page.fill('#key-input', 'wrong-key');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.getElementById('key-error').textContent.includes('rejected'));
  check(await dialog.isVisible(), 'a wrong key brings the prompt back, saying it was rejected');
  await shot(page, 'key-rejected');
  // Consoles log failed fetches (401/403) as errors; those are expected here.
  consoleErrors.length = 0;
  await page.fill('#key-input', KEY);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.querySelectorAll('#chart-ticker option').length >= 2);
  check(await page.evaluate(() => sessionStorage.getItem('ohlcv-rag.api-key')) === KEY,
    'the key is kept in sessionStorage');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'ask-question');
  check(true, 'after the key is entered, focus is in the question box');

  // What is loaded, and example questions built from it.
  await page.waitForFunction(() => document.getElementById('ask-loaded').textContent.startsWith('Loaded'));
  const loaded = await page.textContent('#ask-loaded');
  check(/Loaded: 62 tickers \(AAPL, MSFT, ZT00/.test(loaded) && /2015-01-0\d to /.test(loaded) && /interval 1d/.test(loaded),
    `the Ask view says what is loaded ("${loaded}")`);
  const examples = await page.locator('#ask-examples button.example').allTextContents();
  check(examples.length >= 3 && examples[0].includes('AAPL') && examples.some((e) => e.includes('MSFT')),
    `example questions from the loaded data (${examples.join(' | ')})`);

  // An example asked: the figure leads, the question goes into the URL and
  // the session history, the sources are listed once.
  await page.locator('#ask-examples button.example').first().click();
  await page.locator('#ask-answer').waitFor({ state: 'visible' });
  await page.waitForFunction((q) => document.getElementById('ask-question').value === q &&
    !document.getElementById('ask-status').textContent, examples[0]);
  const lead = await page.textContent('#answer-lead');
  check(/AAPL/.test(lead) && /[+-]?\d+\.\d+%/.test(lead), `the asked figure leads the answer ("${lead}")`);
  check(decodeURIComponent(new URL(page.url()).hash) === `#ask?q=${examples[0]}`, `the question is in the URL (${page.url()})`);
  const exampleText = await page.textContent('#answer-text');
  check(!/Sources: \[1\]/.test(exampleText), 'the answer text does not repeat the sources');
  const meta1 = await page.textContent('#answer-meta');
  check(/confidence \d+%/.test(meta1), `an answer with figures shows its confidence ("${meta1}")`);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
  await page.click('#answer-copy');
  await page.waitForFunction(() => document.getElementById('copy-status').textContent.length > 0);
  const copied = await page.evaluate(() => navigator.clipboard.readText().catch(() => ''));
  check(copied.startsWith(`Q: ${examples[0]}`) && copied.includes(lead.split(': ').pop().trim()),
    `Copy puts the question and answer on the clipboard ("${copied.slice(0, 60).replace(/\n/g, ' ')}…")`);
  await shot(page, 'ask-example');

  // Out of scope: what can be asked instead of unrelated windows.
  await page.fill('#ask-question', 'hello');
  await page.click('#ask-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('answer-text').textContent.includes('not about the loaded'));
  const hello = await page.textContent('#answer-text');
  const helloMeta = await page.textContent('#answer-meta');
  check(/For example:/.test(hello) && /AAPL/.test(hello) && !/confidence/.test(helloMeta) &&
        await page.isHidden('#answer-understood') &&
        await page.locator('#answer-sources li').count() === 0,
    `"hello" gets what can be asked, examples, no confidence and no sources ("${hello.slice(0, 70)}…")`);
  await shot(page, 'ask-out-of-scope');

  // Ask: answer and sources.
  await page.fill('#ask-question', 'When did AAPL break out above its 20-day high?');
  await page.click('#ask-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#ask-history li')?.textContent.startsWith('When did AAPL') &&
    !document.getElementById('ask-status').textContent);
  const answer = await page.textContent('#answer-text');
  const sources = page.locator('#answer-sources button.source');
  const nSources = await sources.count();
  check(answer.trim().length > 20, `Ask shows an answer: "${answer.trim().slice(0, 90)}…"`);
  check(nSources >= 1, `Ask lists sources (${nSources})`);
  const history = await page.locator('#ask-history li').allTextContents();
  check(history[0] === 'When did AAPL break out above its 20-day high?' && history.includes('hello') &&
        history.includes(examples[0]), `the session history lists the questions, newest first (${history.join(' | ')})`);
  const understood = await page.textContent('#answer-understood');
  check(/^Understood: /.test(understood) && !/->|breakout_20_high/.test(understood),
    `the understood question is in words ("${understood}")`);
  await checkAxe(page, 'Ask with an answer');
  await shot(page, 'ask');
  // Back and Forward move between the questions (pushState/popstate).
  await page.goBack();
  await page.waitForFunction(() => document.getElementById('ask-question').value === 'hello' &&
    document.getElementById('answer-text').textContent.includes('not about the loaded'));
  check(true, 'Back shows the previous question and its answer');
  await page.goForward();
  await page.waitForFunction(() => document.getElementById('ask-question').value.startsWith('When did AAPL'));
  check(decodeURIComponent(page.url()).endsWith('#ask?q=When did AAPL break out above its 20-day high?'),
    'Forward returns to the later question');
  // A shared link asks its question on load.
  const shared = await context.newPage();
  // A new tab has its own sessionStorage: give it the key up front.
  await shared.addInitScript((key) => sessionStorage.setItem('ohlcv-rag.api-key', key), KEY);
  await shared.goto(`${base}/#ask?q=${encodeURIComponent(examples[1])}`);
  await shared.locator('#ask-answer').waitFor({ state: 'visible' });
  check(await shared.inputValue('#ask-question') === examples[1] &&
        (await shared.textContent('#answer-text')).length > 20, 'a link with ?q= asks that question on load');
  await shared.close();

  // A source opens on the chart, highlighted.
  const first = (await sources.first().textContent()).trim();
  const [, srcTicker, srcStart, srcEnd] = first.match(/^(\S+)\s+(\d{4}-\d\d-\d\d) → (\d{4}-\d\d-\d\d)/);
  await sources.first().click();
  await page.locator('#view-chart').waitFor({ state: 'visible' });
  await page.waitForFunction(() => !document.getElementById('chart-highlight').hidden);
  const note = await page.textContent('#chart-highlight');
  const dataHighlight = await page.getAttribute('#chart', 'data-highlight');
  check(note.includes(srcStart) && note.includes(srcEnd) && note.includes(srcTicker),
    `chart says it highlights ${srcTicker} ${srcStart} → ${srcEnd}: "${note}"`);
  check(dataHighlight === `${srcStart}..${srcEnd}`, `chart highlight range is the source's (${dataHighlight})`);
  check(await page.inputValue('#chart-ticker') === srcTicker, 'chart shows the source ticker');
  // Zoomed to the window with some context on each side.
  await page.waitForFunction(() => document.getElementById('chart').dataset.visibleRange);
  const [visFrom, visTo] = (await page.getAttribute('#chart', 'data-visible-range')).split('..');
  const visibleDays = (Date.parse(visTo) - Date.parse(visFrom)) / 86400000;
  check(visFrom <= srcStart && visTo >= srcEnd && visibleDays < 730,
    `chart zoomed around the window (visible ${visFrom}..${visTo})`);
  const canvasCount = await page.locator('#chart canvas').count();
  check(canvasCount > 0, `chart canvases drawn (${canvasCount})`);
  // Toggling overlays or the markers keeps the dates in view (it used to jump).
  const before = await page.getAttribute('#chart', 'data-visible-range');
  await page.check('#chart-options input[name=ema12]');
  await page.selectOption('#chart-markers', 'all');
  await page.uncheck('#chart-options input[name=macd]');
  await page.waitForTimeout(200);
  const after = await page.getAttribute('#chart', 'data-visible-range');
  check(after === before, `toggling EMA 12, the markers and MACD keeps the view (${before} → ${after})`);
  check(await page.isVisible('#chart-highlight') && await page.getAttribute('#chart', 'data-highlight') === `${srcStart}..${srcEnd}`,
    'the highlight stays with the view');
  await page.check('#chart-options input[name=macd]');
  await page.uncheck('#chart-options input[name=ema12]');
  await page.selectOption('#chart-markers', 'key');
  await page.mouse.move(2, 2);  // crosshair away: the legend shows the latest bar in view
  await page.waitForTimeout(100);
  const idleLegend = await page.textContent('#chart-legend');
  check(/ C [\d,.]+ +chg [+-][\d.]+% +Vol [\d.]+[KMB]? +SMA20 [\d,.–]+/.test(idleLegend),
    `the legend shows change, volume and indicator values ("${idleLegend}")`);
  const [inFrom, inTo] = (await page.getAttribute('#chart', 'data-visible-range')).split('..');
  const legendDate = (idleLegend.match(/\d{4}-\d\d-\d\d/) || [''])[0];
  check(legendDate >= inFrom && legendDate <= inTo, `the idle legend's bar ${legendDate} is in view (${inFrom}..${inTo})`);
  const markerLegend = await page.locator('#chart-marker-legend li').allTextContents();
  check(markerLegend[0].includes('▲ bullish') && markerLegend.length >= 2,
    `markers are explained in a legend (${markerLegend.slice(0, 4).join(' | ')})`);
  await checkAxe(page, 'Chart');
  await shot(page, 'chart-highlight');

  // Chart: 5 years of daily bars, overlays, panes, pattern tooltips.
  await page.selectOption('#chart-ticker', 'AAPL');
  await page.click('#chart-form button[type=submit]');
  await page.waitForFunction(() => /^AAPL: \d+ bars/.test(document.getElementById('chart-status').textContent));
  const chartStatus = await page.textContent('#chart-status');
  check(Number(chartStatus.match(/(\d+) bars/)[1]) >= 1200, `chart loads 5 years of AAPL (${chartStatus})`);
  await page.check('#chart-options input[name=bollinger]');
  await page.check('#chart-options input[name=ema12]');
  await page.selectOption('#chart-markers', 'all');
  const label = await page.getAttribute('#chart', 'aria-label');
  const markers = Number((label.match(/(\d+) pattern markers/) || [])[1] || 0);
  check(markers > 10, `pattern markers drawn (${markers})`);
  // Sweep the crosshair across the price pane until a pattern tooltip shows.
  const box = await page.locator('#chart').boundingBox();
  let tooltip = '';
  for (let x = box.x + 20; x < box.x + box.width - 80 && !tooltip; x += 3) {
    await page.mouse.move(x, box.y + box.height * 0.3);
    if (await page.locator('#chart-tooltip').isVisible()) tooltip = await page.textContent('#chart-tooltip');
  }
  check(tooltip.length > 0, `hovering a marker shows a tooltip ("${tooltip.slice(0, 60)}")`);
  const legend = await page.textContent('#chart-legend');
  check(/AAPL \d{4}-\d\d-\d\d +O [\d,.]+/.test(legend), `crosshair legend shows OHLC ("${legend.trim()}")`);
  await shot(page, 'chart');
  // Keyboard: focus the chart and zoom in; the visible range narrows.
  await page.focus('#chart');
  const span = async () => {
    const [a, b] = (await page.getAttribute('#chart', 'data-visible-range')).split('..');
    return Date.parse(b) - Date.parse(a);
  };
  const wide = await span();
  await page.keyboard.press('+');
  await page.waitForFunction((w) => {
    const [a, b] = document.getElementById('chart').dataset.visibleRange.split('..');
    return Date.parse(b) - Date.parse(a) < w;
  }, wide);
  check(await span() < wide, 'keyboard + on the focused chart zooms in');
  // Smoothness with 5 years of bars and every overlay on: pan one step per
  // animation frame for 90 frames, zoomed all the way out, and time the frames.
  await page.keyboard.press('Home');
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const chart = document.getElementById('chart');
    const times = [];
    let last = performance.now();
    const step = (now) => {
      times.push(now - last);
      last = now;
      chart.dispatchEvent(new KeyboardEvent('keydown', { key: times.length % 60 < 30 ? 'ArrowLeft' : 'ArrowRight' }));
      if (times.length < 90) requestAnimationFrame(step);
      else resolve(times.slice(5));
    };
    requestAnimationFrame(step);
  }));
  frames.sort((a, b) => a - b);
  const frameMedian = frames[Math.floor(frames.length / 2)];
  const frameP95 = frames[Math.floor(frames.length * 0.95)];
  console.log(`panning 1260 bars with all overlays: frame median ${frameMedian.toFixed(1)} ms, p95 ${frameP95.toFixed(1)} ms`);
  check(frameMedian < 100, `panning 5 years stays smooth (median frame ${frameMedian.toFixed(1)} ms)`);

  // Similar periods.
  await page.click('#tab-similar');
  await page.selectOption('#similar-ticker', 'MSFT');
  await page.fill('#similar-k', '4');
  await page.click('#similar-form button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#similar-results figure svg').length >= 2);
  const cards = await page.locator('#similar-results figure').count();
  const caption = await page.locator('#similar-results figure').nth(1).textContent();
  check(cards >= 2 && cards <= 5, `Similar shows the query and its analogues (${cards} cards)`);
  check(/\d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d/.test(caption) && /window [+-]/.test(caption),
    `a card names ticker, dates and returns ("${caption.trim().slice(0, 80)}")`);
  check(/(shape|similar) \(match \d+%\)/.test(caption), `the score is in words ("${caption.trim().slice(-60)}")`);
  check(await page.isChecked('#similar-other'), '"Other periods only" is on by default');
  const cardDates = await page.locator('#similar-results figcaption').allTextContents();
  const spans = cardDates.map((c) => c.match(/(\d{4}-\d\d-\d\d) → (\d{4}-\d\d-\d\d)/).slice(1));
  const [qs, qe] = spans[0];
  check(spans.slice(1).every(([a, b]) => b < qs || a > qe),
    `with "other periods only" no match overlaps the query's dates ${qs}..${qe} (${spans.slice(1).map((x) => x.join('..')).join(', ')})`);
  // The API: the same request with overlapping dates allowed does return them.
  const apiSimilar = async (exclude) => (await (await fetch(`${base}/api/v1/similar`, {
    method: 'POST', headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ticker: 'ZT00', k: 10, exclude_overlapping: exclude }),
  })).json());
  const withOverlap = await apiSimilar(false);
  const without = await apiSimilar(true);
  const overlaps = (r) => r.similar.filter((h) => !(h.end < r.query.start || h.start > r.query.end)).length;
  check(overlaps(withOverlap) > 0 && overlaps(without) === 0 && without.similar.length > 0,
    `exclude_overlapping drops same-date matches (${overlaps(withOverlap)} → ${overlaps(without)} of ${without.similar.length})`);
  const badFlag = await fetch(`${base}/api/v1/similar`, { method: 'POST',
    headers: { 'X-API-Key': KEY, 'Content-Type': 'application/json' },
    body: JSON.stringify({ ticker: 'MSFT', exclude_overlapping: 'yes' }) });
  check(badFlag.status === 400, `a non-boolean exclude_overlapping is a 400 (${badFlag.status})`);
  consoleErrors.length = 0;
  await checkAxe(page, 'Similar periods');
  await shot(page, 'similar');
  // A match opens on the chart, highlighted.
  const [mStart, mEnd] = spans[1];
  await page.locator('#similar-results figure').nth(1).locator('button.open-chart').click();
  await page.locator('#view-chart').waitFor({ state: 'visible' });
  await page.waitForFunction((h) => document.getElementById('chart').dataset.highlight === h, `${mStart}..${mEnd}`);
  check(true, `"Open on chart" shows the match ${mStart}..${mEnd} highlighted`);
  await page.goBack();
  await page.locator('#view-similar').waitFor({ state: 'visible' });
  check(true, 'Back from the chart returns to Similar periods');

  // Ingest: a rejected request shows the API's error; a job that fails shows
  // its errors; then a CSV ingest reaches 100%.
  await page.click('#tab-ingest');
  await page.fill('#ingest-tickers', 'NOT A TICKER!');
  await page.click('#ingest-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('ingest-error').textContent.length > 0);
  const apiError = await page.textContent('#ingest-error');
  check(/Error: 400 bad_request: .*ticker/i.test(apiError), `API error shown as reported ("${apiError.slice(0, 100)}")`);
  consoleErrors.length = 0;  // the browser logs the 400 itself
  await page.fill('#ingest-tickers', '');
  await page.selectOption('#ingest-source', 'csv');
  await page.fill('#ingest-path', path.join(work, 'missing.csv'));
  await page.click('#ingest-form button[type=submit]');
  await page.waitForFunction(() => /^(failed|succeeded)/.test(document.getElementById('ingest-state').textContent));
  const failedState = await page.textContent('#ingest-state');
  const jobErrors = await page.textContent('#ingest-errors');
  check(failedState.startsWith('failed') && jobErrors.includes('missing.csv'),
    `a failed job shows its state and errors ("${failedState.slice(0, 40)}", "${jobErrors.slice(0, 80)}")`);
  await shot(page, 'ingest-failed');
  await page.fill('#ingest-path', csvPath);
  await page.click('#ingest-form button[type=submit]');
  await page.waitForFunction(() => /succeeded|failed|cancelled/.test(document.getElementById('ingest-state').textContent),
    null, { timeout: 60000 });
  const state = await page.textContent('#ingest-state');
  const percent = await page.textContent('#ingest-percent');
  const progress = await page.evaluate(() => document.getElementById('ingest-progress').value);
  check(state.startsWith('succeeded'), `ingest job succeeded ("${state}")`);
  check(percent === '100%' && progress === 100, `ingest progress reached 100% (${percent}, ${progress})`);
  await page.waitForFunction(() => [...document.querySelectorAll('#chart-ticker option')].some((o) => o.value === 'CSVA'));
  check(true, 'ingested CSV tickers appear in the ticker lists');
  await shot(page, 'ingest');

  // Status.
  await page.click('#tab-status');
  await page.waitForFunction(() => document.querySelectorAll('#status-tickers tbody tr').length >= 4);
  const summary = await page.textContent('#status-summary');
  check(/Tickers64/.test(summary.replace(/\s/g, '')) && /Vector store/.test(summary) && !/Data version|Draining/.test(summary),
    `Status shows counts and store type, no operator fields ("${summary.replace(/\s+/g, ' ').slice(0, 90)}")`);
  const rowCount = await page.locator('#status-tickers tbody tr').count();
  check(rowCount === 50 && (await page.textContent('#status-page')) === 'Page 1 of 2', `Status pages the table (${rowCount} rows)`);
  await page.click('#status-next');
  check(await page.locator('#status-tickers tbody tr').count() === 14, 'page 2 holds the other 14 rows');
  await page.fill('#status-search', 'csv');
  const found = await page.locator('#status-tickers tbody th').allTextContents();
  check(found.join(',') === 'CSVA,CSVB', `search filters the tickers (${found.join(',')})`);
  await page.fill('#status-search', '');
  await page.click('#status-tickers button[data-key=bars]');
  const byBars = await page.locator('#status-tickers tbody th').allTextContents();
  check(['AAPL', 'MSFT'].includes(byBars[0]) && await page.getAttribute('#status-tickers th:nth-child(3)', 'aria-sort') === 'descending',
    `sorting by bars puts the longest series first (${byBars.slice(0, 3).join(',')})`);
  await page.check('#status-operator');
  check(/Data version/.test(await page.textContent('#status-summary')), 'operator fields show behind the toggle');
  await checkAxe(page, 'Status');
  await shot(page, 'status');

  // Keyboard: arrows move between tabs.
  await page.focus('#tab-status');
  await page.keyboard.press('ArrowLeft');
  check(await page.locator('#view-ingest').isVisible(), 'ArrowLeft on the tabs selects the previous view');

  // A key that stops working (rotated away) brings the prompt back.
  await page.evaluate(() => sessionStorage.setItem('ohlcv-rag.api-key', 'rotated-away'));
  await page.click('#tab-status');
  await dialog.waitFor({ state: 'visible' });
  check(true, 'a rejected key on a later call brings the prompt back');
  consoleErrors.length = 0;
  await page.fill('#key-input', KEY);
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  await page.waitForFunction(() => document.getElementById('status-error').textContent === '' &&
    document.querySelectorAll('#status-tickers tbody tr').length >= 4);
  check(true, 'after the right key the pending call completes');
  // "API key…" replaces the key for this tab.
  await page.click('#change-key');
  await dialog.waitFor({ state: 'visible' });
  await page.fill('#key-input', 'replaced-key');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'hidden' });
  check(await page.evaluate(() => sessionStorage.getItem('ohlcv-rag.api-key')) === 'replaced-key',
    'the "API key…" button replaces the stored key');

  check(consoleErrors.length === 0, `no console errors or CSP violations (${consoleErrors.join(' | ')})`);

  // Phone size: the header stays small, nothing is wider than the screen.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  await phone.addInitScript((key) => sessionStorage.setItem('ohlcv-rag.api-key', key), KEY);
  const mobile = await phone.newPage();
  mobile.setDefaultTimeout(15000);
  await mobile.goto(`${base}/#ask?q=${encodeURIComponent(examples[0])}`);
  await mobile.locator('#ask-answer').waitFor({ state: 'visible' });
  const fit = async (what) => {
    const m = await mobile.evaluate(() => ({ header: document.querySelector('header.top').getBoundingClientRect().height,
      scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
    check(m.header < 844 * 0.12 && m.scroll <= m.width,
      `phone ${what}: header ${Math.round(m.header)} px high, page ${m.scroll} px wide in ${m.width}`);
  };
  await fit('Ask');
  await shot(mobile, 'phone-ask');
  await mobile.click('#tab-chart');
  await mobile.waitForFunction(() => /^\w+: \d+ bars/.test(document.getElementById('chart-status').textContent));
  await fit('Chart');
  await shot(mobile, 'phone-chart');
  await mobile.click('#tab-status');
  await mobile.waitForFunction(() => document.querySelectorAll('#status-tickers tbody tr').length >= 4);
  await fit('Status');
  await shot(mobile, 'phone-status');
  await mobile.click('#tab-similar');
  await mobile.click('#similar-form button[type=submit]');
  await mobile.waitForFunction(() => document.querySelectorAll('#similar-results figure svg').length >= 2);
  await fit('Similar');
  await shot(mobile, 'phone-similar');
  await phone.close();

  // First paint on loopback: median of 5 fresh loads (cold cache each time).
  const paints = [];
  for (let i = 0; i < 5; i++) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const p = await ctx.newPage();
    await p.goto(`${base}/`, { waitUntil: 'load' });
    await p.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0);
    paints.push(await p.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0].startTime;
      const nav = performance.getEntriesByType('navigation')[0];
      return { fcp, load: nav.loadEventEnd };
    }));
    await ctx.close();
  }
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const fcp = median(paints.map((p) => p.fcp));
  const load = median(paints.map((p) => p.load));
  console.log(`first contentful paint: median ${fcp.toFixed(0)} ms, load event ${load.toFixed(0)} ms ` +
    `(runs: ${paints.map((p) => p.fcp.toFixed(0)).join(', ')} ms)`);
  check(fcp < 1000, `first paint under 1 s on loopback (${fcp.toFixed(0)} ms)`);

  exitCode = failures.length ? 1 : 0;
} catch (e) {
  if (e !== null) {
    console.log(`FAIL: ${e && e.stack ? e.stack : e}`);
    failures.push(String(e));
    exitCode = 1;
  }
} finally {
  if (browser) await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => { server.once('exit', r); setTimeout(r, 5000); });
  for (const f of screenshots) console.log(`screenshot: ${f}`);
  if (failures.length) console.log(`server log (tail):\n${serverLog.split('\n').slice(-20).join('\n')}`);
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(failures.length ? `${failures.length} check(s) failed` : exitCode === 0 ? 'all web checks passed' : '');
process.exit(exitCode);
