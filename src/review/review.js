// crosscheck review mode: injected by `crosscheck serve --review` only,
// never part of a built site. Talks to /__crosscheck/review/api/ with the token
// the page was served with.
(() => {
  'use strict';
  const me = document.currentScript;
  const token = me && me.dataset.crosscheckToken;
  if (!token) return;
  const API = '/__crosscheck/review/api/';
  const path = location.pathname;
  const articleMatch = path.match(/\/articles\/([a-z0-9-]+)\/?(?:index\.html)?$/);
  const claimMatch = path.match(/\/claims\/([a-z0-9-]+)\/?(?:index\.html)?$/);
  let state = null;

  // ---- helpers -----------------------------------------------------------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'value') e.value = v;
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  async function call(method, endpoint, body) {
    const res = await fetch(API + endpoint, {
      method,
      headers: { 'Content-Type': 'application/json', 'X-Crosscheck-Token': token },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
    let data = {};
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error(data.error || `${res.status} ${res.statusText}`);
      err.status = res.status;
      throw err;
    }
    return data;
  }

  function notify(message, kind) {
    let box = document.getElementById('cc-notice');
    if (!box) {
      box = el('div', { id: 'cc-notice', class: 'cc-ui', role: 'status', 'aria-live': 'polite' });
      document.body.append(box);
    }
    box.className = `cc-ui cc-notice ${kind || ''}`;
    box.textContent = message;
  }

  /** After a write: the preview rebuilds and reloads; reload anyway if it does not. */
  function written(message) {
    notify(`${message} — reloading…`, 'ok');
    setTimeout(() => location.reload(), 1500);
  }

  function failed(err) {
    if (err.status === 409) {
      notify(`${err.message} Reloading to show the current state…`, 'error');
      setTimeout(() => location.reload(), 2500);
    } else {
      notify(err.message, 'error');
    }
  }

  function claimPicker(claims, onPick) {
    const input = el('input', {
      type: 'search', class: 'cc-filter', placeholder: 'Type to filter claims…',
      'aria-label': 'Filter claims', autocomplete: 'off',
    });
    const list = el('ul', { class: 'cc-claims', role: 'listbox', 'aria-label': 'Claims' });
    let chosen = null;
    function render() {
      const q = input.value.trim().toLowerCase();
      list.replaceChildren();
      for (const c of claims) {
        if (q && !(`${c.id} ${c.text}`.toLowerCase().includes(q))) continue;
        const li = el('li', {
          role: 'option', tabindex: '0', 'data-claim': c.id,
          'aria-selected': chosen === c.id ? 'true' : 'false',
          class: chosen === c.id ? 'chosen' : '',
        }, el('strong', {}, c.id), ' ', c.text);
        const pick = () => { chosen = c.id; onPick(c); render(); };
        li.addEventListener('click', pick);
        li.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); pick(); } });
        list.append(li);
      }
    }
    input.addEventListener('input', render);
    render();
    return { input, list, chosen: () => chosen };
  }

  function stanceSelect(initial) {
    const s = el('select', { class: 'cc-stance', 'aria-label': 'Stance' });
    for (const v of ['supports', 'contradicts', 'mentions']) {
      s.append(el('option', { value: v, selected: v === initial }, v));
    }
    return s;
  }

  // ---- article pages: selection → evidence --------------------------------

  const SKIP = '.mark, .cc-ui';

  /** Text nodes of a statement that make up its text (note marks excluded). */
  function textNodes(st) {
    const out = [];
    const walker = document.createTreeWalker(st, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement && n.parentElement.closest(SKIP)) continue;
      out.push(n);
    }
    return out;
  }

  /** UTF-16 offset of (node, offset) within statement `st`'s text. */
  function offsetIn(st, node, offset) {
    if (node.nodeType !== Node.TEXT_NODE) {
      // A point between children: count the text of the children before it.
      const range = document.createRange();
      range.selectNodeContents(st);
      range.setEnd(node, offset);
      let n = 0;
      for (const t of textNodes(st)) {
        if (range.intersectsNode(t)) {
          const r2 = document.createRange();
          r2.selectNodeContents(t);
          if (range.compareBoundaryPoints(Range.END_TO_END, r2) >= 0) n += t.data.length;
        }
      }
      return n;
    }
    let n = 0;
    for (const t of textNodes(st)) {
      if (t === node) return n + offset;
      n += t.data.length;
    }
    return n;
  }

  function statementText(st) {
    return textNodes(st).map((t) => t.data).join('');
  }

  /** The selection as statement points, or null when it is not on statements. */
  function currentSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const body = document.querySelector('.article-body');
    if (!body || !body.contains(range.commonAncestorContainer)) return null;
    const sts = Array.from(body.querySelectorAll('span.st[id]')).filter((s) => range.intersectsNode(s));
    if (sts.length === 0) return null;
    const first = sts[0];
    const last = sts[sts.length - 1];
    const startIn = first.contains(range.startContainer);
    const endIn = last.contains(range.endContainer);
    const start = startIn ? offsetIn(first, range.startContainer, range.startOffset) : 0;
    const end = endIn ? offsetIn(last, range.endContainer, range.endOffset) : statementText(last).length;
    const parts = sts.map((s, i) => {
      const t = statementText(s);
      const a = i === 0 ? start : 0;
      const b = i === sts.length - 1 ? end : t.length;
      return t.slice(a, b);
    });
    const text = parts.join(' ');
    if (!text.trim()) return null;
    return {
      start: { statement: first.id, offset: start },
      end: { statement: last.id, offset: end },
      text,
      rect: range.getBoundingClientRect(),
    };
  }

  function closePanel() {
    const p = document.getElementById('cc-panel');
    if (p) p.remove();
  }

  function openSelectionPanel(selection) {
    closePanel();
    const article = articleMatch[1];
    let picked = null;
    const newText = el('textarea', { class: 'cc-newtext', rows: 2, 'aria-label': 'New claim text' });
    newText.value = selection.text.trim();
    const mode = { value: 'existing' };
    const picker = claimPicker(state.claims, (c) => { picked = c; mode.value = 'existing'; });
    const stance = stanceSelect('supports');
    const note = el('textarea', { class: 'cc-note', rows: 2, placeholder: 'Note (optional, markdown)', 'aria-label': 'Note' });
    const existing = el('fieldset', { class: 'cc-existing' }, el('legend', {}, 'Attach to a claim'), picker.input, picker.list);
    const create = el('fieldset', { class: 'cc-create' }, el('legend', {},
      el('label', {}, el('input', { type: 'checkbox', class: 'cc-create-toggle', onchange: (e) => { mode.value = e.target.checked ? 'new' : 'existing'; } }), ' or create a new claim')), newText);
    const save = el('button', { type: 'button', class: 'cc-save' }, 'Save');
    const panel = el('div', { id: 'cc-panel', class: 'cc-ui cc-panel', role: 'dialog', 'aria-label': 'Add evidence' },
      el('p', { class: 'cc-quote' }, '“', selection.text.trim(), '”'),
      existing, create,
      el('label', {}, 'Stance ', stance),
      note,
      el('div', { class: 'cc-actions' }, save, el('button', { type: 'button', class: 'cc-cancel', onclick: closePanel }, 'Cancel')));
    save.addEventListener('click', async () => {
      const sel = { start: selection.start, end: selection.end, text: selection.text };
      const noteText = note.value.trim() || undefined;
      save.disabled = true;
      try {
        if (mode.value === 'new') {
          const r = await call('POST', 'claims', {
            version: state.version, text: newText.value.trim(),
            evidence: { article, selection: sel, stance: stance.value, note: noteText },
          });
          closePanel();
          written(`Created claim ${r.id}`);
        } else {
          if (!picked) { notify('Pick a claim first, or create a new one.', 'error'); save.disabled = false; return; }
          const r = await call('POST', 'evidence', {
            version: state.version, claim: picked.id, article, selection: sel, stance: stance.value, note: noteText,
          });
          closePanel();
          written(`Added to ${r.claim} as ${stance.value}`);
        }
      } catch (err) {
        save.disabled = false;
        failed(err);
      }
    });
    document.body.append(panel);
    const top = window.scrollY + selection.rect.bottom + 8;
    const left = Math.max(8, Math.min(window.scrollX + selection.rect.left, window.scrollX + document.documentElement.clientWidth - 380));
    panel.style.top = `${top}px`;
    panel.style.left = `${left}px`;
    // Focus stays on the page so the selection remains visible; Tab
    // reaches the panel.
  }

  function suggestionsFor(s) {
    const st = document.getElementById(s.statement);
    if (!st) return;
    const box = el('details', { class: 'cc-ui cc-suggest' },
      el('summary', {}, `${s.claims.length} suggested claim${s.claims.length > 1 ? 's' : ''}`));
    for (const c of s.claims) {
      const stance = stanceSelect(c.stance);
      const why = (c.conflicts || []).map((k) => `differs in ${k.kind}: “${k.a_words}” vs “${k.b_words}”`).join('; ');
      const row = el('div', { class: 'cc-suggestion', 'data-claim': c.claim },
        el('span', { class: 'cc-score' }, c.score.toFixed(2)), ' ',
        el('a', { href: `../../claims/${c.claim}/` }, c.claim_text), ' ',
        why ? el('span', { class: 'cc-why' }, why) : null, ' ',
        stance,
        el('button', { type: 'button', class: 'cc-accept', onclick: async (e) => {
          e.target.disabled = true;
          try {
            await call('POST', 'suggestions/accept', {
              version: state.version, article: articleMatch[1], statement: s.statement, claim: c.claim, stance: stance.value,
            });
            written(`Linked to ${c.claim}`);
          } catch (err) { e.target.disabled = false; failed(err); }
        } }, 'Accept'),
        el('button', { type: 'button', class: 'cc-reject', onclick: async (e) => {
          e.target.disabled = true;
          try {
            await call('POST', 'suggestions/reject', { article: articleMatch[1], statement: s.statement, claim: c.claim });
            row.remove();
            notify(`Rejected: ${c.claim} will not be suggested for this statement again.`, 'ok');
          } catch (err) { e.target.disabled = false; failed(err); }
        } }, 'Reject'));
      box.append(row);
    }
    st.insertAdjacentElement('afterend', box);
  }

  function articleMode() {
    document.documentElement.classList.add('cc-review');
    for (const s of state.suggestions || []) suggestionsFor(s);
    let timer = null;
    document.addEventListener('mouseup', (e) => {
      if (e.target.closest && e.target.closest('.cc-ui')) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const sel = currentSelection();
        if (sel) openSelectionPanel(sel);
      }, 10);
    });
    document.addEventListener('keyup', (e) => {
      if (e.key === 'Escape') closePanel();
      if (e.shiftKey && e.target === document.body) {
        const sel = currentSelection();
        if (sel) openSelectionPanel(sel);
      }
    });
  }

  // ---- claim pages: verdict, status, summary, sign-off, evidence ----------

  function claimMode() {
    const id = claimMatch[1];
    const claim = state.claims.find((c) => c.id === id);
    if (!claim) return;
    const verdict = el('select', { class: 'cc-verdict', 'aria-label': 'Verdict' });
    for (const v of state.verdicts) verdict.append(el('option', { value: v, selected: v === claim.verdict }, v));
    const status = el('select', { class: 'cc-status', 'aria-label': 'Status' });
    for (const v of ['draft', 'in-review']) status.append(el('option', { value: v, selected: v === claim.status }, v));
    if (claim.status === 'approved') status.prepend(el('option', { value: '', selected: true }, 'approved'));
    const summary = el('textarea', { class: 'cc-summary', rows: 4, 'aria-label': 'Summary' });
    summary.value = claim.summary || '';
    const save = el('button', { type: 'button', class: 'cc-save' }, 'Save changes');
    save.addEventListener('click', async () => {
      const body = { version: state.version };
      if (verdict.value !== claim.verdict) body.verdict = verdict.value;
      if (status.value && status.value !== claim.status) body.status = status.value;
      if (summary.value.trim() !== (claim.summary || '').trim()) body.summary = summary.value;
      if (Object.keys(body).length === 1) { notify('Nothing changed.', ''); return; }
      save.disabled = true;
      try { await call('PATCH', `claims/${id}`, body); written('Saved'); } catch (err) { save.disabled = false; failed(err); }
    });
    const reviewer = el('input', { type: 'text', class: 'cc-reviewer', 'aria-label': 'Reviewer', placeholder: 'Reviewer name', value: state.reviewer || '' });
    const signoffState = {
      'not-approved': 'Not signed off.',
      unrecorded: 'Approved without a recorded fingerprint: sign off again to record one.',
      current: `Signed off by ${claim.reviewer} on ${claim.reviewed}; the evidence is unchanged since.`,
      lapsed: 'Approved, changed since sign-off: review it and sign off again.',
    }[claim.signoff];
    const sign = el('button', { type: 'button', class: 'cc-signoff' }, 'Sign off');
    sign.addEventListener('click', async () => {
      sign.disabled = true;
      try {
        await call('POST', `claims/${id}/signoff`, {
          version: state.version, fingerprint: claim.fingerprint, reviewer: reviewer.value.trim() || undefined,
        });
        written('Signed off');
      } catch (err) { sign.disabled = false; failed(err); }
    });
    const evidence = el('ol', { class: 'cc-evidence', start: 0 });
    for (const e of claim.evidence) {
      evidence.append(el('li', { 'data-index': e.index },
        el('span', { class: `cc-stance-${e.stance}` }, e.stance), ' ',
        el('q', {}, e.quote), ` — ${e.article}`, e.anchored ? '' : ' (does not anchor)', ' ',
        el('button', { type: 'button', class: 'cc-remove', onclick: async (ev) => {
          if (!confirm(`Remove this evidence from ${id}?\n\n“${e.quote}”`)) return;
          ev.target.disabled = true;
          try { await call('DELETE', `claims/${id}/evidence/${e.index}`, { version: state.version }); written('Removed'); } catch (err) { ev.target.disabled = false; failed(err); }
        } }, 'Remove')));
    }
    const panel = el('aside', { id: 'cc-claim-panel', class: 'cc-ui cc-panel cc-docked', 'aria-label': 'Review this claim' },
      el('h2', {}, 'Review'),
      el('label', {}, 'Verdict ', verdict), ' ',
      el('label', {}, 'Status ', status),
      el('label', { class: 'cc-block' }, 'Summary', summary),
      save,
      el('h3', {}, 'Sign-off'),
      el('p', { class: `cc-signoff-state cc-${claim.signoff}` }, signoffState),
      reviewer, sign,
      el('h3', {}, `Evidence (${claim.evidence.length})`),
      evidence);
    document.body.append(panel);
  }

  // ---- start ---------------------------------------------------------------

  async function start() {
    try {
      state = await call('GET', articleMatch ? `state?article=${articleMatch[1]}` : 'state');
    } catch (err) {
      notify(`Review mode unavailable: ${err.message}`, 'error');
      return;
    }
    document.documentElement.dataset.ccVersion = state.version;
    if (articleMatch) articleMode();
    else if (claimMatch) claimMode();
    document.documentElement.classList.add('cc-ready');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
