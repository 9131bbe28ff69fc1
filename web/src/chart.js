// The main chart: candlesticks and volume, SMA/EMA and Bollinger overlays,
// RSI and MACD panes, pattern markers with tooltips, and one highlighted
// window (a retrieved source). Data comes from GET /api/v1/tickers/{T}/chart,
// which computes every indicator and pattern on the server.
import {
  AreaSeries, CandlestickSeries, ColorType, CrosshairMode, HistogramSeries, LineSeries, LineStyle,
  createChart, createSeriesMarkers,
} from 'lightweight-charts';
import { formatNumber, formatPct, isoDate } from './api.js';

// Patterns shown by default: the few that change the picture; "all" adds
// candlesticks, pivots, RSI zone exits, volume spikes...
export const KEY_PATTERNS = new Set([
  'uptrend', 'downtrend', 'golden_cross', 'death_cross', 'breakout_20_high', 'breakdown_20_low',
  'breakout_52w_high', 'breakdown_52w_low', 'bullish_reversal', 'bearish_reversal',
  'macd_bullish_cross', 'macd_bearish_cross', 'bollinger_squeeze',
]);

// Colours chosen for contrast on white (text >= 4.5:1, lines >= 3:1).
const COLORS = {
  up: '#0f7b4d', down: '#c4302b', text: '#1f2328', grid: '#eef0f3',
  sma20: '#1f5fbf', sma50: '#8a4baf', ema12: '#b35c00', ema26: '#00778a',
  bb: '#6b7280', rsi: '#7b3fa0', macd: '#1f5fbf', signal: '#b35c00',
  highlight: 'rgba(255, 176, 0, 0.22)',
};

// Indicator values the legend shows, when their overlay or pane is on.
const LEGEND_INDICATORS = [
  ['sma20', 'sma20', 'SMA20'], ['sma50', 'sma50', 'SMA50'], ['ema12', 'ema12', 'EMA12'], ['ema26', 'ema26', 'EMA26'],
  ['bollinger', 'bb_upper', 'BB up'], ['bollinger', 'bb_lower', 'BB low'], ['rsi', 'rsi14', 'RSI14'],
  ['macd', 'macd', 'MACD'], ['macd', 'macd_signal', 'signal'],
];

function formatVolume(v) {
  if (!Number.isFinite(v)) return '–';
  if (v >= 1e9) return `${(v / 1e9).toFixed(2)}B`;
  if (v >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (v >= 1e3) return `${(v / 1e3).toFixed(1)}K`;
  return String(Math.round(v));
}

export class PriceChart {
  constructor(container, tooltip, legend, markerLegend) {
    this.markerLegend = markerLegend;
    this.container = container;
    this.tooltip = tooltip;
    this.legend = legend;
    this.data = null;
    this.options = {};
    this.highlight = null;  // {start, end} epoch seconds
    this.series = [];
    this.chart = createChart(container, {
      autoSize: true,
      layout: {
        background: { type: ColorType.Solid, color: '#ffffff' },
        textColor: COLORS.text,
        fontSize: 12,
        // The logo injects an inline <style>, which the page's CSP forbids;
        // the footer links to TradingView instead, as the licence asks.
        attributionLogo: false,
        panes: { separatorColor: '#c9ced6', enableResize: true },
      },
      grid: { vertLines: { color: COLORS.grid }, horzLines: { color: COLORS.grid } },
      crosshair: { mode: CrosshairMode.Normal },
      rightPriceScale: { borderColor: '#c9ced6' },
      timeScale: { borderColor: '#c9ced6', rightOffset: 3 },
    });
    this.chart.subscribeCrosshairMove((param) => this.onCrosshair(param));
    // The visible dates, as state a reader (or a test) can see without the canvas.
    this.chart.timeScale().subscribeVisibleTimeRangeChange((r) => {
      container.dataset.visibleRange = r ? `${isoDate(r.from)}..${isoDate(r.to)}` : '';
      // Crosshair away: the legend follows the latest bar in view.
      if (!this.crosshairOn && this.data && this.data.count) this.showLegend(this.lastVisibleIndex());
    });
    container.tabIndex = 0;
    container.addEventListener('keydown', (e) => this.onKey(e));
  }

  // data: the chart reply; options: {sma20, sma50, ema12, ema26, bollinger, rsi, macd, markers}
  setData(data) {
    this.data = data;
    this.indexAt = new Map(data.time.map((t, i) => [t, i]));
    this.patternsAt = new Map();
    for (const p of data.patterns) {
      if (!this.patternsAt.has(p.time)) this.patternsAt.set(p.time, []);
      this.patternsAt.get(p.time).push(p);
    }
    this.render();
    this.chart.timeScale().fitContent();
    this.showLegend(data.count ? data.count - 1 : -1);
  }

  // Toggling an overlay, a pane or the markers redraws the series but keeps
  // the dates in view (and the highlight).
  setOptions(options) {
    this.options = { ...options };
    if (this.data) {
      this.keepingRange(() => this.render());
      this.showLegend(this.lastVisibleIndex());
    }
  }

  keepingRange(fn) {
    const ts = this.chart.timeScale();
    const logical = ts.getVisibleLogicalRange();
    fn();
    if (logical) ts.setVisibleLogicalRange({ from: logical.from, to: logical.to });
  }

  // Shades [start, end] (epoch seconds) and zooms to it with some context;
  // null clears it.
  setHighlight(range) {
    this.highlight = range;
    if (this.data) this.keepingRange(() => this.render());
    if (range && this.data) {
      const pad = Math.max((range.end - range.start) * 1.5, 30 * 86400);
      this.chart.timeScale().setVisibleRange({ from: range.start - pad, to: range.end + pad });
    }
    this.container.dataset.highlight = range ? `${isoDate(range.start)}..${isoDate(range.end)}` : '';
  }

  visibleRange() {
    const r = this.chart.timeScale().getVisibleRange();
    return r ? { from: r.from, to: r.to } : null;
  }

  render() {
    for (const s of this.series) this.chart.removeSeries(s);
    this.series = [];
    const d = this.data;
    const o = this.options;
    const t = d.time;
    const add = (type, opts, pane = 0) => {
      const s = this.chart.addSeries(type, { priceLineVisible: false, lastValueVisible: false, ...opts }, pane);
      this.series.push(s);
      return s;
    };
    const line = (values, opts, pane = 0) => {
      const s = add(LineSeries, { lineWidth: 1, crosshairMarkerVisible: false, ...opts }, pane);
      const points = [];
      for (let i = 0; i < t.length; i++) if (values[i] !== null) points.push({ time: t[i], value: values[i] });
      s.setData(points);
      return s;
    };

    // Behind everything: the highlighted window as one full-height band (an
    // area at the top of its own 0..1 scale; a histogram would draw stripes).
    if (this.highlight) {
      const hl = add(AreaSeries, {
        priceScaleId: 'highlight', lineVisible: false, lineColor: 'rgba(0,0,0,0)', lineWidth: 1,
        topColor: COLORS.highlight, bottomColor: COLORS.highlight, crosshairMarkerVisible: false,
        autoscaleInfoProvider: () => ({ priceRange: { minValue: 0, maxValue: 1 } }),
      });
      hl.priceScale().applyOptions({ scaleMargins: { top: 0, bottom: 0 }, visible: false });
      hl.setData(t.map((time) => (time >= this.highlight.start && time <= this.highlight.end
        ? { time, value: 1 } : { time })));
    }
    const vol = add(HistogramSeries, { priceFormat: { type: 'volume' }, priceScaleId: 'volume' });
    vol.priceScale().applyOptions({ scaleMargins: { top: 0.82, bottom: 0 }, visible: false });
    vol.setData(t.map((time, i) => ({
      time, value: d.volume[i],
      color: d.close[i] >= d.open[i] ? 'rgba(15, 123, 77, 0.35)' : 'rgba(196, 48, 43, 0.35)',
    })));

    this.candles = add(CandlestickSeries, {
      upColor: COLORS.up, downColor: COLORS.down, borderVisible: false,
      // No last-close price line: it crossed older views as a stray dotted line.
      wickUpColor: COLORS.up, wickDownColor: COLORS.down, lastValueVisible: false, priceLineVisible: false,
    });
    this.candles.priceScale().applyOptions({ scaleMargins: { top: 0.05, bottom: 0.2 } });
    this.candles.setData(t.map((time, i) => ({
      time, open: d.open[i], high: d.high[i], low: d.low[i], close: d.close[i],
    })));

    const ind = d.indicators;
    if (o.sma20) line(ind.sma20, { color: COLORS.sma20, title: 'SMA20' });
    if (o.sma50) line(ind.sma50, { color: COLORS.sma50, title: 'SMA50' });
    if (o.ema12) line(ind.ema12, { color: COLORS.ema12, title: 'EMA12' });
    if (o.ema26) line(ind.ema26, { color: COLORS.ema26, title: 'EMA26' });
    if (o.bollinger) {
      line(ind.bb_upper, { color: COLORS.bb, lineStyle: LineStyle.Dashed, title: 'BB up' });
      line(ind.bb_middle, { color: COLORS.bb, lineStyle: LineStyle.Dotted });
      line(ind.bb_lower, { color: COLORS.bb, lineStyle: LineStyle.Dashed, title: 'BB low' });
    }

    let pane = 1;
    if (o.rsi) {
      const rsi = line(ind.rsi14, { color: COLORS.rsi, title: 'RSI14', lastValueVisible: true }, pane);
      for (const level of [70, 30]) {
        rsi.createPriceLine({ price: level, color: '#9aa1ab', lineWidth: 1, lineStyle: LineStyle.Dashed,
          axisLabelVisible: true, title: '' });
      }
      pane++;
    }
    if (o.macd) {
      const hist = add(HistogramSeries, { title: 'hist' }, pane);
      const bars = [];
      for (let i = 0; i < t.length; i++) {
        const v = ind.macd_hist[i];
        if (v !== null) bars.push({ time: t[i], value: v, color: v >= 0 ? 'rgba(15,123,77,0.5)' : 'rgba(196,48,43,0.5)' });
      }
      hist.setData(bars);
      line(ind.macd, { color: COLORS.macd, title: 'MACD', lastValueVisible: true }, pane);
      line(ind.macd_signal, { color: COLORS.signal, title: 'signal' }, pane);
      pane++;
    }
    const panes = this.chart.panes();
    panes.forEach((p, i) => p.setStretchFactor(i === 0 ? 3 : 1));

    const markers = [];
    if (o.markers !== 'none') {
      for (const p of d.patterns) {
        if (o.markers !== 'all' && !KEY_PATTERNS.has(p.kind)) continue;
        markers.push({
          time: p.time,
          position: p.direction > 0 ? 'belowBar' : 'aboveBar',
          shape: p.direction > 0 ? 'arrowUp' : p.direction < 0 ? 'arrowDown' : 'circle',
          color: p.direction > 0 ? COLORS.up : p.direction < 0 ? COLORS.down : '#4b5563',
          size: 1,
        });
      }
    }
    markers.sort((a, b) => a.time - b.time);
    createSeriesMarkers(this.candles, markers);
    this.renderMarkerLegend(o.markers);
    this.markerCount = markers.length;
    this.container.setAttribute('aria-label',
      `${d.ticker} ${d.interval} candlestick chart, ${d.count} bars from ${t.length ? isoDate(t[0]) : '–'} to ` +
      `${t.length ? isoDate(t[t.length - 1]) : '–'}, ${markers.length} pattern markers`);
  }

  onCrosshair(param) {
    this.crosshairOn = Boolean(this.data && param.time !== undefined && param.point);
    if (!this.crosshairOn) {
      this.tooltip.hidden = true;
      if (this.data && this.data.count) this.showLegend(this.lastVisibleIndex());
      return;
    }
    const i = this.indexAt.get(param.time);
    if (i !== undefined) this.showLegend(i);
    const shown = (this.patternsAt.get(param.time) || []).filter(
      (p) => this.options.markers === 'all' || (this.options.markers !== 'none' && KEY_PATTERNS.has(p.kind)));
    if (!shown.length) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = '';
    const title = document.createElement('strong');
    title.textContent = isoDate(param.time);
    this.tooltip.append(title);
    for (const p of shown) {
      const row = document.createElement('div');
      row.textContent = p.value !== null && p.value !== 0 ? `${p.phrase} (${formatNumber(p.value)})` : p.phrase;
      this.tooltip.append(row);
    }
    this.tooltip.hidden = false;
    // CSSOM writes are allowed under the CSP (only inline style attributes are not).
    const x = Math.min(param.point.x + 14, this.container.clientWidth - this.tooltip.offsetWidth - 4);
    this.tooltip.style.left = `${Math.max(0, x)}px`;
    this.tooltip.style.top = `${Math.max(0, param.point.y - 10)}px`;
  }

  // Under the chart: what each marker shape means and which patterns are
  // drawn (with how many), so markers are explained without hovering.
  renderMarkerLegend(mode) {
    if (!this.markerLegend) return;
    const counts = new Map();
    if (mode !== 'none') {
      for (const p of this.data.patterns) {
        if (mode !== 'all' && !KEY_PATTERNS.has(p.kind)) continue;
        const c = counts.get(p.kind) || { n: 0, phrase: p.phrase, direction: p.direction };
        c.n++;
        counts.set(p.kind, c);
      }
    }
    const symbol = (dir) => (dir > 0 ? '▲' : dir < 0 ? '▼' : '●');
    const cls = (dir) => (dir > 0 ? 'mk up' : dir < 0 ? 'mk down' : 'mk');
    const items = [];
    const head = document.createElement('li');
    head.className = 'mk-head';
    head.textContent = mode === 'none' ? 'Pattern markers are off.'
      : '▲ bullish (below the bar), ▼ bearish (above the bar), ● neutral; hover one for details.';
    items.push(head);
    for (const [kind, c] of [...counts.entries()].sort((a, b) => b[1].n - a[1].n)) {
      const li = document.createElement('li');
      li.dataset.kind = kind;
      const mark = document.createElement('span');
      mark.className = cls(c.direction);
      mark.setAttribute('aria-hidden', 'true');
      mark.textContent = symbol(c.direction);
      li.append(mark, ` ${c.phrase} (${c.n})`);
      items.push(li);
    }
    this.markerLegend.replaceChildren(...items);
  }

  // The latest bar in view (the legend's bar when the crosshair is away).
  lastVisibleIndex() {
    const r = this.chart.timeScale().getVisibleRange();
    const t = this.data.time;
    let i = t.length - 1;
    if (r) while (i > 0 && t[i] > r.to) i--;
    return i;
  }

  // The legend for bar i: date, OHLC, change from the previous close,
  // volume, and the value of every indicator that is on.
  showLegend(i) {
    const d = this.data;
    this.lastIndex = i;
    if (!d || i < 0 || i >= d.count) {
      this.legend.textContent = '';
      return;
    }
    const parts = [`${d.ticker} ${isoDate(d.time[i])}`, `O ${formatNumber(d.open[i])}`, `H ${formatNumber(d.high[i])}`,
      `L ${formatNumber(d.low[i])}`, `C ${formatNumber(d.close[i])}`];
    if (i > 0) parts.push(`chg ${formatPct((d.close[i] / d.close[i - 1] - 1) * 100)}`);
    parts.push(`Vol ${formatVolume(d.volume[i])}`);
    for (const [option, key, name] of LEGEND_INDICATORS) {
      if (this.options[option]) parts.push(`${name} ${formatNumber(d.indicators[key][i])}`);
    }
    this.legend.textContent = parts.join('  ');
    this.legend.dataset.index = String(i);
  }

  // Keyboard: arrows pan, +/- zoom, Home fits everything.
  onKey(e) {
    const ts = this.chart.timeScale();
    const r = ts.getVisibleLogicalRange();
    if (!r) return;
    const width = r.to - r.from;
    let next = null;
    if (e.key === 'ArrowLeft') next = { from: r.from - width * 0.1, to: r.to - width * 0.1 };
    else if (e.key === 'ArrowRight') next = { from: r.from + width * 0.1, to: r.to + width * 0.1 };
    else if (e.key === '+' || e.key === '=') next = { from: r.from + width * 0.15, to: r.to - width * 0.15 };
    else if (e.key === '-') next = { from: r.from - width * 0.25, to: r.to + width * 0.25 };
    else if (e.key === 'Home') { ts.fitContent(); e.preventDefault(); return; }
    if (next) {
      ts.setVisibleLogicalRange(next);
      e.preventDefault();
    }
  }
}
