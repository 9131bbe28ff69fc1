// The MCP server of ohlcv-rag driven by the reference MCP client
// (@modelcontextprotocol/sdk, pinned in tests/mcp/package.json, installed by
// tests/mcp/install.sh), over both transports:
//   stdio:           the SDK spawns `ohlcv-rag mcp`;
//   streamable HTTP: `ohlcv-rag serve` on loopback with an API key, POST /mcp.
// For each: initialize (protocol version negotiation), list the tools, call
// each, check the figures against the shared S&P 500 CSVs read here, and
// check that bad arguments and unknown tools give errors. Over HTTP also: no
// key -> 401, an unsupported MCP-Protocol-Version -> 400, GET -> 405.
//
// Usage: node tests/mcp/mcp_client_test.mjs --binary build/ohlcv-rag
//          [--node-dir DIR] [--shared DIR]   (env OHLCV_SHARED_DIR wins over --shared, as in tests/testutil)
// Exit 0 ok, 1 failure, 77 skipped (SDK not installed or shared data absent).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]]);
  return acc;
}, []));
const binary = path.resolve(args.binary || path.join(root, 'build/ohlcv-rag'));
const nodeDir = path.resolve(args['node-dir'] || process.env.OHLCV_MCP_NODE_DIR ||
  path.join(process.env.OHLCV_CACHE_DIR || path.join(root, '.cache'), 'mcp-node'));
const shared = path.resolve(process.env.OHLCV_SHARED_DIR || args.shared || path.join(root, '../shared'));
const csvDir = path.join(shared, 'data', 'sp500_2015_2020');
const KEY = 'mcp-test-key';
const SKIP = 77;
const TICKERS = ['AAPL', 'MSFT'];

const sdk = path.join(nodeDir, 'node_modules', '@modelcontextprotocol', 'sdk', 'dist', 'esm');
if (!fs.existsSync(path.join(sdk, 'client', 'index.js'))) {
  console.log(`SKIP: @modelcontextprotocol/sdk not found under ${nodeDir} (run tests/mcp/install.sh)`);
  process.exit(SKIP);
}
if (!fs.existsSync(path.join(csvDir, 'AAPL.csv'))) {
  console.log(`SKIP: shared data not found at ${csvDir}`);
  process.exit(SKIP);
}
const load = (p) => import(pathToFileURL(path.join(sdk, p)).href);
const { Client } = await load('client/index.js');
const { StdioClientTransport } = await load('client/stdio.js');
const { StreamableHTTPClientTransport } = await load('client/streamableHttp.js');
const { LATEST_PROTOCOL_VERSION } = await load('types.js');
const sdkVersion = JSON.parse(fs.readFileSync(path.join(nodeDir, 'node_modules/@modelcontextprotocol/sdk/package.json'))).version;
console.log(`MCP SDK ${sdkVersion}, protocol ${LATEST_PROTOCOL_VERSION}`);

const failures = [];
function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}
const near = (a, b) => typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

// ---- expected figures, straight from the CSVs --------------------------------
function readCsv(ticker) {
  const lines = fs.readFileSync(path.join(csvDir, `${ticker}.csv`), 'utf8').trim().split('\n');
  const head = lines[0].split(',');
  const col = (n) => head.indexOf(n);
  return lines.slice(1).map((l) => l.split(',')).map((f) => ({
    date: f[col('Date')], open: +f[col('Open')], high: +f[col('High')], low: +f[col('Low')],
    close: +f[col('Close')], volume: +f[col('Volume')], adj_close: +f[col('Adj Close')],
  })).filter((r) => r.date && Number.isFinite(r.close)).sort((a, b) => a.date.localeCompare(b.date));
}
const csv = Object.fromEntries(TICKERS.map((t) => [t, readCsv(t)]));
function yearReturnPct(rows, year) {
  const inYear = rows.filter((r) => r.date.startsWith(`${year}-`));
  return (inYear[inYear.length - 1].close / inYear[0].close - 1) * 100;
}

// ---- a data directory with AAPL and MSFT from the shared CSVs ------------------
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ohlcv-mcp-'));
const env = {
  ...process.env, OHLCV_DATA_DIR: path.join(work, 'data'), OHLCV_EMBEDDER: 'hashing', API_KEY: KEY,
  OHLCV_RATE_LIMIT_RPS: '0', OHLCV_METRICS_PORT: '-1', OHLCV_HTTP_PORT: '0', LOG_LEVEL: 'info',
  OHLCV_LOG_FORMAT: 'json', OHLCV_DRAIN_SECONDS: '0',
};
for (const k of ['DATA_SOURCE', 'LLM_PROVIDER', 'VECTOR_STORE_TYPE', 'OHLCV_CSV_PATH']) delete env[k];
const ingest = spawnSync(binary, ['ingest', '--source', 'csv', '--path', csvDir, '--tickers', TICKERS.join(',')],
  { env, encoding: 'utf8', timeout: 120000 });
if (ingest.status !== 0) {
  console.log(`FAIL: ingest exited ${ingest.status}\n${ingest.stdout}\n${ingest.stderr}`);
  process.exit(1);
}

const text = (result) => (result.content || []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');

async function expectError(client, name, args, pattern, what) {
  const r = await client.callTool({ name, arguments: args });
  check(r.isError === true && pattern.test(text(r)), `${what}: isError with ${pattern} (got ${JSON.stringify(text(r)).slice(0, 160)})`);
}

// Everything a transport must do; `label` prefixes the checks.
async function exercise(client, label) {
  const server = client.getServerVersion();
  check(server?.name === 'ohlcv-rag', `${label}: serverInfo.name is ohlcv-rag`);
  check(!!client.getServerCapabilities()?.tools, `${label}: the server declares the tools capability`);
  await client.ping();

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  check(JSON.stringify(names) === JSON.stringify(['ask', 'execute_plan', 'get_bars', 'list_tickers', 'similar_periods', 'status']),
    `${label}: tools/list names the six tools (${names})`);
  check(tools.every((t) => t.inputSchema?.type === 'object' && t.description), `${label}: every tool has a description and an object schema`);

  // list_tickers: counts and ranges as in the CSVs.
  const lt = await client.callTool({ name: 'list_tickers', arguments: {} });
  check(!lt.isError, `${label}: list_tickers succeeds`);
  for (const t of TICKERS) {
    const row = lt.structuredContent?.tickers?.find((x) => x.ticker === t && x.interval === '1d');
    const rows = csv[t];
    check(row && row.bars === rows.length && row.first === rows[0].date && row.last === rows[rows.length - 1].date,
      `${label}: list_tickers ${t}: ${rows.length} bars ${rows[0].date}..${rows[rows.length - 1].date} (got ${JSON.stringify(row)})`);
  }

  // status: total bars.
  const st = await client.callTool({ name: 'status', arguments: {} });
  const totalBars = TICKERS.reduce((n, t) => n + csv[t].length, 0);
  check(!st.isError && st.structuredContent?.bars === totalBars && st.structuredContent?.windows > 0,
    `${label}: status counts ${totalBars} bars and some windows (got ${JSON.stringify(st.structuredContent)})`);

  // get_bars: every field of every bar in a range equals the CSV.
  const gb = await client.callTool({ name: 'get_bars', arguments: { ticker: 'aapl', start: '2017-03-01', end: '2017-03-10' } });
  const want = csv.AAPL.filter((r) => r.date >= '2017-03-01' && r.date <= '2017-03-10');
  const got = gb.structuredContent?.bars || [];
  check(!gb.isError && got.length === want.length && want.length === 8, `${label}: get_bars AAPL 2017-03-01..10 gives ${want.length} bars (got ${got.length})`);
  check(want.every((w, i) => got[i]?.t === w.date && ['open', 'high', 'low', 'close', 'volume', 'adj_close'].every((f) => near(got[i][f], w[f]))),
    `${label}: get_bars values equal the CSV's, field by field`);
  const last3 = await client.callTool({ name: 'get_bars', arguments: { ticker: 'MSFT', limit: 3 } });
  const msft = csv.MSFT;
  check(last3.structuredContent?.truncated === true && last3.structuredContent.count === 3 &&
    last3.structuredContent.bars[2].t === msft[msft.length - 1].date && near(last3.structuredContent.bars[0].close, msft[msft.length - 3].close),
  `${label}: get_bars limit 3 gives the latest 3 MSFT bars, marked truncated`);

  // ask: the year's return, computed here from the CSV, is in the answer.
  const ask = await client.callTool({ name: 'ask', arguments: { question: 'How did AAPL perform in 2017?' } });
  const pct = yearReturnPct(csv.AAPL, 2017);
  const pctText = `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
  check(!ask.isError && text(ask).includes(pctText), `${label}: ask "How did AAPL perform in 2017?" states ${pctText} (got ${JSON.stringify(text(ask).slice(0, 200))})`);
  check(Array.isArray(ask.structuredContent?.facts) && ask.structuredContent.facts.length > 0 &&
    Array.isArray(ask.structuredContent?.computations), `${label}: ask returns facts and computations`);

  // execute_plan: the plan's figure equals the CSV's; the plan comes back.
  const day = csv.AAPL.find((r) => r.date === '2017-03-08');
  const plan = { subjects: ['AAPL'], measure: { kind: 'volume' }, operation: 'value', period: { at: '2017-03-08' }, form: 'number' };
  const ep = await client.callTool({ name: 'execute_plan', arguments: { plan } });
  const facts = ep.structuredContent?.facts || [];
  check(!ep.isError && facts.some((f) => near(f.value, day.volume)),
    `${label}: execute_plan AAPL volume on 2017-03-08 gives ${day.volume} (got ${JSON.stringify(facts).slice(0, 200)})`);
  check(ep.structuredContent?.plan?.measure?.kind === 'volume', `${label}: execute_plan returns the plan it executed`);
  await expectError(client, 'execute_plan', { plan: { ...plan, operation: 'guess' } }, /operation/, `${label}: execute_plan with an unknown operation`);

  // similar_periods: hits are stored windows.
  const sp = await client.callTool({ name: 'similar_periods', arguments: { ticker: 'MSFT', k: 3 } });
  const hits = sp.structuredContent?.similar || [];
  check(!sp.isError && hits.length >= 1 && hits.length <= 3 && hits.every((h) => TICKERS.includes(h.ticker) && h.window_id),
    `${label}: similar_periods MSFT k 3 gives 1-3 stored windows (got ${hits.length})`);
  check(sp.structuredContent?.query?.ticker === 'MSFT', `${label}: similar_periods names its query window`);

  // Bad arguments: tool errors naming the problem.
  await expectError(client, 'get_bars', {}, /ticker.*required/, `${label}: get_bars without ticker`);
  await expectError(client, 'get_bars', { ticker: 'AAPL', start: '2017-13-45' }, /start.*date/, `${label}: get_bars with a bad date`);
  await expectError(client, 'get_bars', { ticker: 'AAPL', limit: 0 }, /limit.*between/, `${label}: get_bars limit 0`);
  await expectError(client, 'get_bars', { ticker: 'AAPL', colour: 'red' }, /colour.*unknown field/, `${label}: get_bars with an unknown field`);
  await expectError(client, 'get_bars', { ticker: 'AAPL', interval: '7q' }, /interval/, `${label}: get_bars with a bad interval`);
  await expectError(client, 'get_bars', { ticker: 'ZZZZ' }, /not stored/, `${label}: get_bars of a ticker not stored`);
  await expectError(client, 'ask', { question: 42 }, /question.*string/, `${label}: ask with a number for question`);
  await expectError(client, 'similar_periods', { ticker: 'MSFT', k: 1000 }, /k.*between/, `${label}: similar_periods k 1000`);
  await expectError(client, 'similar_periods', { ticker: 'NOPE' }, /not stored|NotFound/i, `${label}: similar_periods of a ticker not stored`);
  try {
    await client.callTool({ name: 'no_such_tool', arguments: {} });
    check(false, `${label}: an unknown tool is a JSON-RPC error`);
  } catch (e) {
    check(e.code === -32602 && /unknown tool/.test(e.message), `${label}: an unknown tool is JSON-RPC error -32602 (${e.code} ${e.message})`);
  }
}

// ---- stdio --------------------------------------------------------------------
let server;
try {
  const stdio = new StdioClientTransport({ command: binary, args: ['mcp'], env, stderr: 'pipe' });
  let stderr = '';
  const client = new Client({ name: 'ohlcv-mcp-test', version: '1.0.0' });
  await client.connect(stdio);
  stdio.stderr?.on('data', (d) => { stderr += d; });
  check(true, `stdio: initialize with protocol ${LATEST_PROTOCOL_VERSION}`);
  await exercise(client, 'stdio');
  await client.close();
  if (stderr) console.log(`(stdio server stderr: ${stderr.trim().slice(0, 300)})`);

  // ---- streamable HTTP: `serve` on loopback behind an API key ------------------
  server = spawn(binary, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverLog = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" line in 60 s:\n${serverLog}`)), 60000);
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
          if (j.message === 'listening') { clearTimeout(timer); resolve(j.http_port); }
        } catch { /* not JSON */ }
      }
    });
    server.stderr.on('data', (chunk) => { serverLog += chunk; });
    server.on('exit', (code) => reject(new Error(`serve exited ${code}:\n${serverLog}`)));
  });
  const url = new URL(`http://127.0.0.1:${port}/mcp`);
  for (let i = 0; i < 100; i++) {  // started = the knowledge base is open
    const r = await fetch(`http://127.0.0.1:${port}/ready`).catch(() => null);
    if (r?.status === 200) break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const http = new StreamableHTTPClientTransport(url, { requestInit: { headers: { Authorization: `Bearer ${KEY}` } } });
  const hclient = new Client({ name: 'ohlcv-mcp-test', version: '1.0.0' });
  await hclient.connect(http);
  check(http.sessionId === undefined, 'http: stateless (no Mcp-Session-Id)');
  await exercise(hclient, 'http');
  await hclient.close();

  // The HTTP transport's own rules.
  const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-03-26', capabilities: {}, clientInfo: { name: 'raw', version: '0' } } };
  const post = (body, headers = {}) => fetch(url, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', ...headers },
  });
  const noKey = await post(init);
  check(noKey.status === 401, `http: POST /mcp without the API key -> 401 (got ${noKey.status})`);
  const badKey = await post(init, { Authorization: 'Bearer wrong' });
  check(badKey.status === 401 || badKey.status === 403, `http: POST /mcp with a wrong key -> 401/403 (got ${badKey.status})`);
  const auth = { Authorization: `Bearer ${KEY}` };
  const old = await post(init, auth);
  const oldBody = await old.json();
  check(old.status === 200 && oldBody.result?.protocolVersion === '2025-03-26', `http: initialize at 2025-03-26 is answered at 2025-03-26`);
  const badVersion = await post({ jsonrpc: '2.0', id: 2, method: 'tools/list' }, { ...auth, 'MCP-Protocol-Version': '1999-01-01' });
  check(badVersion.status === 400, `http: an unsupported MCP-Protocol-Version -> 400 (got ${badVersion.status})`);
  const note = await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, auth);
  check(note.status === 202 && (await note.text()) === '', `http: a notification -> 202 with no body (got ${note.status})`);
  const get = await fetch(url, { headers: { ...auth, Accept: 'text/event-stream' } });
  check(get.status === 405, `http: GET /mcp -> 405 (no server stream) (got ${get.status})`);
  const garbage = await fetch(url, { method: 'POST', body: '{nope', headers: { ...auth, 'Content-Type': 'application/json' } });
  const gj = await garbage.json();
  check(gj.error?.code === -32700 && gj.id === null, `http: a body that is not JSON -> JSON-RPC -32700`);
  const unknown = await post({ jsonrpc: '2.0', id: 3, method: 'resources/list' }, auth);
  check((await unknown.json()).error?.code === -32601, 'http: an unknown method -> JSON-RPC -32601');
  const evil = await post(init, { ...auth, Origin: 'http://evil.example' });
  check(evil.status === 403, `http: a foreign Origin -> 403 (got ${evil.status})`);
} catch (e) {
  check(false, `unexpected error: ${e.stack || e}`);
} finally {
  if (server) server.kill('SIGTERM');
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(failures.length ? `${failures.length} FAILED` : 'all MCP checks passed');
process.exit(failures.length ? 1 : 0);
