// The Status view: GET /api/v1/status and /api/v1/tickers.
import { api, el } from './api.js';

export class StatusView {
  constructor() {
    document.getElementById('status-refresh').addEventListener('click', () => this.refresh());
  }

  async refresh() {
    const error = document.getElementById('status-error');
    error.textContent = '';
    try {
      const [s, t] = await Promise.all([api('/api/v1/status'), api('/api/v1/tickers')]);
      const rows = [
        ['Tickers', s.tickers], ['Bars', s.bars.toLocaleString('en-US')],
        ['Windows', s.windows.toLocaleString('en-US')], ['Vector store', s.vector_store_type],
        ['Embedder', s.embedder], ['Data version', s.data_version],
        ['Version', `${s.version} (${s.commit})`], ['Draining', s.draining ? 'yes' : 'no'],
      ];
      document.getElementById('status-summary').replaceChildren(
        ...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
      document.querySelector('#status-tickers tbody').replaceChildren(...t.tickers.map((x) => el('tr', {},
        el('th', { scope: 'row', text: x.ticker }), el('td', { text: x.interval }),
        el('td', { text: x.bars.toLocaleString('en-US') }), el('td', { text: x.first }), el('td', { text: x.last }))));
    } catch (e) {
      error.textContent = `Error: ${e}`;
    }
  }
}
