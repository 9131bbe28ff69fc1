// The Chart view: the form (ticker, dates, overlays) around PriceChart.
import { api, isoDate, onSubmit, toSeconds } from './api.js';
import { PriceChart } from './chart.js';

export class ChartView {
  constructor() {
    this.form = document.getElementById('chart-form');
    this.optionsBox = document.getElementById('chart-options');
    this.status = document.getElementById('chart-status');
    this.note = document.getElementById('chart-highlight');
    this.chart = null;  // created on first show: a hidden container has no size
    this.request = 0;
    onSubmit(this.form, () => this.load({ highlight: null }));
    this.optionsBox.addEventListener('change', () => this.chart && this.chart.setOptions(this.readOptions()));
  }

  ensureChart() {
    if (!this.chart) {
      this.chart = new PriceChart(document.getElementById('chart'), document.getElementById('chart-tooltip'),
                                  document.getElementById('chart-legend'), document.getElementById('chart-marker-legend'));
      this.chart.setOptions(this.readOptions());
    }
    return this.chart;
  }

  readOptions() {
    const o = {};
    for (const box of this.optionsBox.querySelectorAll('input[type=checkbox]')) o[box.name] = box.checked;
    o.markers = document.getElementById('chart-markers').value;
    return o;
  }

  // Loads the form's ticker and dates; `highlight` = {ticker, start, end,
  // label} (dates "YYYY-MM-DD") shades that window once the bars are in.
  async load({ highlight }) {
    const chart = this.ensureChart();
    const ticker = document.getElementById('chart-ticker').value;
    if (!ticker) {
      this.status.textContent = 'No tickers in the store yet: run an ingest first.';
      return;
    }
    const params = new URLSearchParams();
    const start = document.getElementById('chart-start').value;
    const end = document.getElementById('chart-end').value;
    if (start) params.set('start', start);
    if (end) params.set('end', end);
    const id = ++this.request;
    this.status.textContent = `Loading ${ticker}…`;
    try {
      const t0 = performance.now();
      const data = await api(`/api/v1/tickers/${encodeURIComponent(ticker)}/chart?${params}`);
      if (id !== this.request) return;  // a newer load won
      chart.setData(data);
      const range = highlight ? { start: toSeconds(highlight.start), end: toSeconds(highlight.end) } : null;
      chart.setHighlight(range);
      chart.showLegend(chart.lastVisibleIndex());
      if (highlight) {
        this.note.textContent = `Highlighted: ${highlight.label || ticker} ${highlight.start} → ${highlight.end}`;
        this.note.hidden = false;
      } else {
        this.note.hidden = true;
      }
      const ms = Math.round(performance.now() - t0);
      this.status.textContent = data.count
        ? `${data.ticker}: ${data.count} bars, ${isoDate(data.time[0])} to ${isoDate(data.time[data.count - 1])}, ` +
          `${data.patterns.length} patterns detected (${ms} ms)`
        : `${data.ticker}: no bars in this range`;
    } catch (e) {
      if (id === this.request) this.status.textContent = `Error: ${e}`;
    }
  }

  // From the Ask view: the source window of an answer.
  // `source` = {ticker, start_date, end_date}: from the Ask view (an answer's
  // source) or the Similar view (a match).
  async showWindow(source) {
    const select = document.getElementById('chart-ticker');
    if (![...select.options].some((o) => o.value === source.ticker)) select.append(new Option(source.ticker));
    select.value = source.ticker;
    // Load the whole history so the user can zoom out around the window.
    document.getElementById('chart-start').value = '';
    document.getElementById('chart-end').value = '';
    await this.load({ highlight: { start: source.start_date, end: source.end_date, label: source.ticker } });
  }
}
