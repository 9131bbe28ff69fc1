// The Status view: GET /api/v1/status and /api/v1/tickers. The tickers table
// has a search box, sortable columns and pages of PAGE_SIZE rows (the S&P 500
// folder alone is 538 series); operator fields (data version, draining) show
// only with "Operator details".
import { api, el } from './api.js';

export const PAGE_SIZE = 50;

export class StatusView {
  constructor() {
    this.tickers = [];
    this.status = null;
    this.sort = { key: 'ticker', dir: 1 };
    this.page = 0;
    document.getElementById('status-refresh').addEventListener('click', () => this.refresh());
    document.getElementById('status-operator').addEventListener('change', () => this.renderSummary());
    document.getElementById('status-search').addEventListener('input', () => {
      this.page = 0;
      this.renderTable();
    });
    document.getElementById('status-prev').addEventListener('click', () => { this.page--; this.renderTable(); });
    document.getElementById('status-next').addEventListener('click', () => { this.page++; this.renderTable(); });
    for (const button of document.querySelectorAll('#status-tickers button.sort')) {
      button.addEventListener('click', () => {
        const key = button.dataset.key;
        this.sort = { key, dir: this.sort.key === key ? -this.sort.dir : (key === 'bars' ? -1 : 1) };
        this.page = 0;
        this.renderTable();
      });
    }
  }

  async refresh() {
    const error = document.getElementById('status-error');
    error.textContent = '';
    try {
      const [s, t] = await Promise.all([api('/api/v1/status'), api('/api/v1/tickers')]);
      this.status = s;
      this.tickers = t.tickers;
      this.renderSummary();
      this.renderTable();
    } catch (e) {
      error.textContent = `Error: ${e}`;
    }
  }

  renderSummary() {
    const s = this.status;
    if (!s) return;
    const rows = [
      ['Tickers', s.tickers], ['Bars', s.bars.toLocaleString('en-US')],
      ['Windows', s.windows.toLocaleString('en-US')], ['Vector store', s.vector_store_type],
      ['Embedder', s.embedder], ['Version', s.version],
    ];
    if (document.getElementById('status-operator').checked) {
      rows.push(['Commit', s.commit], ['Data version', s.data_version], ['Draining', s.draining ? 'yes' : 'no']);
    }
    document.getElementById('status-summary').replaceChildren(
      ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
  }

  // The rows matching the search, sorted.
  rows() {
    const q = document.getElementById('status-search').value.trim().toUpperCase();
    const { key, dir } = this.sort;
    return this.tickers
      .filter((x) => !q || x.ticker.toUpperCase().includes(q))
      .sort((a, b) => {
        const c = key === 'bars' ? a.bars - b.bars : String(a[key]).localeCompare(String(b[key]));
        return c * dir || a.ticker.localeCompare(b.ticker);
      });
  }

  renderTable() {
    const rows = this.rows();
    const pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
    this.page = Math.min(Math.max(0, this.page), pages - 1);
    const shown = rows.slice(this.page * PAGE_SIZE, (this.page + 1) * PAGE_SIZE);
    document.querySelector('#status-tickers tbody').replaceChildren(...shown.map((x) => el('tr', {},
      el('th', { scope: 'row', text: x.ticker }), el('td', { text: x.interval }),
      el('td', { class: 'num', text: x.bars.toLocaleString('en-US') }), el('td', { text: x.first }),
      el('td', { text: x.last }))));
    for (const th of document.querySelectorAll('#status-tickers thead th')) {
      const key = th.querySelector('button').dataset.key;
      th.setAttribute('aria-sort', key === this.sort.key ? (this.sort.dir > 0 ? 'ascending' : 'descending') : 'none');
    }
    const total = this.tickers.length;
    document.getElementById('status-count').textContent = rows.length === total
      ? `${total} series` : `${rows.length} of ${total} series match`;
    document.getElementById('status-page').textContent = `Page ${this.page + 1} of ${pages}`;
    document.getElementById('status-prev').disabled = this.page === 0;
    document.getElementById('status-next').disabled = this.page >= pages - 1;
  }
}
