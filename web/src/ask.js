// The Ask view: question → grounded answer, its figures and its sources.
// Selecting a source opens it on the chart, highlighted.
import { api, el, formatNumber, onSubmit } from './api.js';

export class AskView {
  constructor(onSource) {
    this.onSource = onSource;
    this.form = document.getElementById('ask-form');
    this.status = document.getElementById('ask-status');
    onSubmit(this.form, () => this.ask());
  }

  async ask() {
    const question = document.getElementById('ask-question').value.trim();
    if (!question) return;
    const n = Number(document.getElementById('ask-n').value) || 5;
    const button = this.form.querySelector('button[type=submit]');
    button.disabled = true;
    this.status.textContent = 'Thinking…';
    try {
      const reply = await api('/api/v1/query', { method: 'POST', body: { question, n_results: n } });
      this.show(reply);
      this.status.textContent = '';
    } catch (e) {
      this.status.textContent = `Error: ${e}`;
    } finally {
      button.disabled = false;
    }
  }

  show(reply) {
    document.getElementById('answer-text').textContent = reply.answer;
    const t = reply.timings || {};
    document.getElementById('answer-meta').textContent =
      `Type ${reply.query_type} · confidence ${formatNumber(reply.confidence)} · ` +
      `${formatNumber(t.total_ms, 1)} ms${reply.cached ? ' (cached)' : ''}` +
      (reply.notes && reply.notes.length ? ` · ${reply.notes.join(' ')}` : '');
    const facts = document.getElementById('answer-facts');
    facts.replaceChildren(...(reply.facts || []).map((f) => el('li', {},
      el('span', { class: 'label', text: f.label }), ' ', el('strong', { text: f.text }))));
    if (!facts.children.length) facts.append(el('li', { class: 'hint', text: 'No figures for this question.' }));
    const sources = document.getElementById('answer-sources');
    sources.replaceChildren(...(reply.sources || []).map((s, i) => el('li', {},
      el('button', {
        type: 'button', class: 'source', 'data-window': s.window_id,
        'aria-label': `Show source ${i + 1} on the chart: ${s.ticker} ${s.start_date} to ${s.end_date}`,
        onclick: () => this.onSource(s),
      }, el('strong', { text: s.ticker }), ` ${s.start_date} → ${s.end_date}`),
      el('span', { class: 'meta', text: ` score ${formatNumber(s.score, 3)}${s.exact ? ' · exact match' : ''}` }),
      s.why && s.why.length ? el('div', { class: 'why', text: s.why.join('; ') }) : null)));
    if (!sources.children.length) sources.append(el('li', { class: 'hint', text: 'No sources.' }));
    document.getElementById('ask-answer').hidden = false;
  }
}
