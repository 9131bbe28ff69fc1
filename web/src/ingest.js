// The Ingest view: POST /api/v1/ingest, then poll GET /api/v1/jobs/{id}
// until the job ends, showing progress and the errors as the API reports them.
import { api, el, onSubmit } from './api.js';

const POLL_MS = 300;

export class IngestView {
  constructor(onDone) {
    this.onDone = onDone;
    this.form = document.getElementById('ingest-form');
    this.error = document.getElementById('ingest-error');
    onSubmit(this.form, () => this.submit());
  }

  body() {
    const v = (id) => document.getElementById(id).value.trim();
    const body = { source: v('ingest-source') };
    const tickers = v('ingest-tickers').split(/[\s,]+/).filter(Boolean);
    if (tickers.length) body.tickers = tickers;
    if (v('ingest-period')) body.period = v('ingest-period');
    if (v('ingest-start')) body.start = v('ingest-start');
    if (v('ingest-end')) body.end = v('ingest-end');
    if (v('ingest-path')) body.path = v('ingest-path');
    return body;
  }

  async submit() {
    this.error.textContent = '';
    // Clear the last job's outcome at once, so nobody reads it as this one's.
    document.getElementById('ingest-job').hidden = true;
    this.setProgress(0, 'submitting…');
    const button = this.form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const job = await api('/api/v1/ingest', { method: 'POST', body: this.body() });
      document.getElementById('ingest-job-id').textContent = job.job_id;
      document.getElementById('ingest-errors').replaceChildren();
      document.getElementById('ingest-job').hidden = false;
      this.setProgress(0, `${job.state}`);
      await this.poll(job.job_id);
    } catch (e) {
      this.error.textContent = `Error: ${e}`;
    } finally {
      button.disabled = false;
    }
  }

  setProgress(pct, text) {
    const p = Math.max(0, Math.min(100, Math.round(pct)));
    document.getElementById('ingest-progress').value = p;
    document.getElementById('ingest-percent').textContent = `${p}%`;
    document.getElementById('ingest-state').textContent = text;
  }

  async poll(id) {
    for (;;) {
      const job = await api(`/api/v1/jobs/${encodeURIComponent(id)}`);
      const g = job.progress;
      const done = job.state === 'succeeded';
      const pct = done ? 100 : g.tickers_total ? (100 * g.tickers_done) / g.tickers_total : 0;
      this.setProgress(pct, `${job.state}: ${g.tickers_done}/${g.tickers_total} tickers, ` +
        `${g.bars.toLocaleString('en-US')} bars, ${g.windows.toLocaleString('en-US')} windows`);
      document.getElementById('ingest-errors').replaceChildren(...job.errors.map((e) => el('li', { text: e })));
      if (['succeeded', 'failed', 'cancelled'].includes(job.state)) {
        if (done) this.onDone();
        return;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}
