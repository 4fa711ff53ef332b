// crosscheck review mode: injected by `crosscheck serve --review` only,
// never part of a built site. An annotation sidebar (docked at the right
// on wide screens, a bottom sheet on narrow ones) that talks to
// /__crosscheck/review/api/ with the token the page was served with.
//
// Keys (documented in the README and in the panel):
//   Alt+Shift+R, or r   review the selection (or the current statement)
//   j / k               next / previous statement
//   ↑ ↓ Enter           choose a claim in the list (type to filter)
//   Alt+Shift+S / C / M stance: supports / contradicts / mentions
//   Ctrl+Enter, ⌘+Enter save
//   Escape              close, back to the statement
//
// Nothing typed is lost: the panel's state is kept in sessionStorage for
// this page and restored after any reload (a live reload after an
// editor's save included); a write refused because the claims file
// changed is applied again to the new file when it still applies.
(() => {
  'use strict';
  const me = document.currentScript;
  const token = me && me.dataset.crosscheckToken;
  if (!token) return;
  const API = '/__crosscheck/review/api/';
  const path = location.pathname;
  const articleMatch = path.match(/\/articles\/([a-z0-9-]+)\/?(?:index\.html)?$/);
  const claimMatch = path.match(/\/claims\/([a-z0-9-]+)\/?(?:index\.html)?$/);
  const DRAFT_KEY = `crosscheck-review-draft:${path}`;
  const STANCES = ['supports', 'contradicts', 'mentions'];
  const STANCE_KEYS = { KeyS: 'supports', KeyC: 'contradicts', KeyM: 'mentions' };
  const NEW = '\u0000new';
  const wide = window.matchMedia('(min-width: 60em)');
  let state = null;
  let ui = null;

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
    let res;
    try {
      res = await fetch(API + endpoint, {
        method,
        headers: { 'Content-Type': 'application/json', 'X-Crosscheck-Token': token },
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: 'same-origin',
      });
    } catch (_) {
      const err = new Error('The preview did not answer. Is crosscheck serve still running?');
      err.status = 0;
      throw err;
    }
    let data = {};
    try { data = await res.json(); } catch (_) { /* not JSON */ }
    if (!res.ok) {
      const err = new Error(data.error || `The preview answered ${res.status} ${res.statusText}.`);
      err.status = res.status;
      err.data = data;
      throw err;
    }
    return data;
  }

  const typing = (t) => t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));

  function loadDraft() {
    try { return JSON.parse(sessionStorage.getItem(DRAFT_KEY) || 'null'); } catch (_) { return null; }
  }
  function saveDraft(d) {
    try { sessionStorage.setItem(DRAFT_KEY, JSON.stringify({ ...d, saved: Date.now() })); } catch (_) { /* full or off */ }
  }
  function clearDraft() {
    try { sessionStorage.removeItem(DRAFT_KEY); } catch (_) { /* off */ }
  }

  // ---- the panel -----------------------------------------------------------

  /** The sidebar: a marker line (always visible), a body, a status line. */
  function panel(title) {
    const who = state.reviewer || me.dataset.reviewer || '';
    const status = el('p', { class: 'cc-status', role: 'status', 'aria-live': 'polite' });
    const body = el('div', { class: 'cc-body', id: 'cc-body' });
    const toggle = el('button', {
      type: 'button', class: 'cc-toggle', 'aria-expanded': 'true', 'aria-controls': 'cc-body',
      onclick: () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'),
    }, el('span', { class: 'cc-toggle-open' }, 'Hide'), el('span', { class: 'cc-toggle-closed' }, 'Show'));
    const root = el('aside', { id: 'cc-panel', class: 'cc-ui cc-panel', 'aria-label': title },
      el('div', { class: 'cc-head' },
        el('p', { class: 'cc-marker' }, el('strong', {}, 'Review mode'), who ? ` — ${who}` : ' — no reviewer name'),
        toggle),
      body, status);
    // Early in the tab order (after the skip link), not after the page.
    const skip = document.querySelector('body > .skip');
    if (skip) skip.after(root);
    else document.body.prepend(root);
    document.documentElement.classList.add('cc-review');
    ui = { root, body, status, toggle };
    const resize = () => {
      const h = root.getBoundingClientRect().height;
      document.documentElement.style.setProperty('--cc-sheet', `${Math.ceil(h)}px`);
    };
    new ResizeObserver(resize).observe(root);
    wide.addEventListener('change', () => setOpen(wide.matches || isOpen()));
    setOpen(wide.matches);
    return ui;
  }

  function isOpen() {
    return ui && ui.toggle.getAttribute('aria-expanded') === 'true';
  }

  /** Opens or collapses the panel (to its marker line, on narrow screens). */
  function setOpen(open) {
    ui.toggle.setAttribute('aria-expanded', String(open));
    ui.root.classList.toggle('cc-collapsed', !open);
    ui.body.hidden = !open;
  }

  function say(message, kind) {
    ui.status.className = `cc-status ${kind || ''}`;
    ui.status.textContent = message;
  }

  /** After a write the preview rebuilds and the page reloads; reload anyway if it does not. */
  function written(message) {
    clearDraft();
    say(`${message} The page reloads with the change…`, 'ok');
    setTimeout(() => location.reload(), 2000);
  }

  /** On narrow screens, keeps `rect` (the text reviewed) in view above the sheet. */
  function keepClear(rect) {
    if (!rect || wide.matches) return;
    const sheetTop = ui.root.getBoundingClientRect().top;
    const room = sheetTop - 8;
    if (rect.bottom > room) window.scrollBy(0, rect.bottom - room);
    else if (rect.top < 0) window.scrollBy(0, rect.top - 8);
  }

  // ---- article pages: statements and selections -----------------------------

  const SKIP = '.mark, .cc-ui';
  const statements = () => Array.from(document.querySelectorAll('.article-body span.st[id]'));

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

  function statementText(st) {
    return textNodes(st).map((t) => t.data).join('');
  }

  /** UTF-16 offset of (node, offset) within statement `st`'s text. */
  function offsetIn(st, node, offset) {
    if (node.nodeType !== Node.TEXT_NODE) {
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

  /** The DOM point at UTF-16 `offset` of statement `st`'s text. */
  function pointAt(st, offset) {
    let n = 0;
    const nodes = textNodes(st);
    for (const t of nodes) {
      if (offset <= n + t.data.length) return [t, offset - n];
      n += t.data.length;
    }
    const last = nodes[nodes.length - 1];
    return last ? [last, last.data.length] : [st, 0];
  }

  /** A selection (as the API takes it) as a DOM range, or null. */
  function rangeOf(sel) {
    const a = document.getElementById(sel.start.statement);
    const b = document.getElementById(sel.end.statement);
    if (!a || !b) return null;
    const r = document.createRange();
    r.setStart(...pointAt(a, sel.start.offset));
    r.setEnd(...pointAt(b, sel.end.offset));
    return r;
  }

  /** The browser's selection on statements, or null. */
  function currentSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    const body = document.querySelector('.article-body');
    if (!body || !body.contains(range.commonAncestorContainer)) return null;
    const sts = statements().filter((s) => range.intersectsNode(s));
    if (sts.length === 0) return null;
    const first = sts[0];
    const last = sts[sts.length - 1];
    const start = first.contains(range.startContainer) ? offsetIn(first, range.startContainer, range.startOffset) : 0;
    const end = last.contains(range.endContainer) ? offsetIn(last, range.endContainer, range.endOffset) : statementText(last).length;
    const text = sts.map((s, i) => {
      const t = statementText(s);
      return t.slice(i === 0 ? start : 0, i === sts.length - 1 ? end : t.length);
    }).join(' ');
    if (!text.trim()) return null;
    return { start: { statement: first.id, offset: start }, end: { statement: last.id, offset: end }, text };
  }

  /** The whole of statement `st`, as a selection. */
  function wholeStatement(st) {
    const text = statementText(st);
    return { start: { statement: st.id, offset: 0 }, end: { statement: st.id, offset: text.length }, text };
  }

  /** Shows what is being reviewed, whatever has the focus. */
  function highlight(range) {
    if (!window.CSS || !CSS.highlights || typeof Highlight === 'undefined') return;
    if (range) CSS.highlights.set('cc-reviewed', new Highlight(range));
    else CSS.highlights.delete('cc-reviewed');
  }

  let current = null; // the statement last pointed at, focused or reviewed

  function statementOf(node) {
    const e = node && (node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement);
    if (!e) return null;
    const st = e.closest('.article-body span.st[id]');
    if (st) return st;
    // A note mark follows its statement.
    const mark = e.closest('.article-body .mark');
    let prev = mark && mark.previousElementSibling;
    while (prev && !prev.matches('span.st[id]')) prev = prev.previousElementSibling;
    return prev;
  }

  function focusStatement(st) {
    if (!st) return;
    if (!st.hasAttribute('tabindex')) st.setAttribute('tabindex', '-1');
    st.focus({ preventScroll: true });
    st.scrollIntoView({ block: 'center' });
    keepClear(st.getBoundingClientRect());
    current = st;
  }

  function step(by) {
    const all = statements();
    if (all.length === 0) return;
    const at = all.indexOf(current);
    const next = all[Math.max(0, Math.min(all.length - 1, at < 0 ? 0 : at + by))];
    focusStatement(next);
  }

  // ---- article pages: the review form ---------------------------------------

  /** What the form holds; mirrored into the draft on every change. */
  let form = null;

  function scoreWords(s) {
    if (s >= 0.6) return 'strong match';
    if (s >= 0.3) return 'fair match';
    if (s > 0) return 'weak match';
    return 'no match';
  }

  function articleForm() {
    const article = articleMatch[1];
    const quote = el('blockquote', { class: 'cc-quote', id: 'cc-quote' });
    const hint = el('p', { class: 'cc-hint' },
      'Select a passage in the article, or move to a statement with ', el('kbd', {}, 'j'), ' / ', el('kbd', {}, 'k'),
      ', then press ', el('kbd', {}, 'Alt+Shift+R'), ' (or ', el('kbd', {}, 'r'), ').');
    const filter = el('input', {
      type: 'text', id: 'cc-filter', class: 'cc-filter', role: 'combobox', autocomplete: 'off',
      'aria-autocomplete': 'list', 'aria-expanded': 'true', 'aria-controls': 'cc-claims',
      'aria-describedby': 'cc-claims-help', placeholder: 'Type to filter',
    });
    const list = el('ul', { id: 'cc-claims', class: 'cc-claims', role: 'listbox', 'aria-label': 'Claims, best match first' });
    const newText = el('textarea', { id: 'cc-newtext', class: 'cc-newtext', rows: 2 });
    const newBox = el('div', { class: 'cc-new', hidden: true },
      el('label', { for: 'cc-newtext' }, 'Text of the new claim'), newText);
    const radios = STANCES.map((v) => el('input', { type: 'radio', name: 'cc-stance', value: v, id: `cc-stance-${v}` }));
    const stance = el('fieldset', { class: 'cc-stances' },
      el('legend', {}, 'Stance ', el('span', { class: 'cc-keys' }, '(Alt+Shift+S / C / M)')),
      STANCES.map((v, i) => el('label', { for: `cc-stance-${v}`, class: 'cc-stance' }, radios[i], ` ${v}`)));
    const note = el('textarea', { id: 'cc-note', class: 'cc-note', rows: 2 });
    const save = el('button', { type: 'button', class: 'cc-save' }, 'Save ', el('span', { class: 'cc-keys' }, '(Ctrl+Enter)'));
    const cancel = el('button', { type: 'button', class: 'cc-cancel' }, 'Close');
    const ask = el('div', { class: 'cc-ask', hidden: true, role: 'group', 'aria-labelledby': 'cc-ask-text' });
    const suggestions = el('div', { class: 'cc-suggestions', hidden: true });
    const work = el('div', { class: 'cc-work', hidden: true },
      el('h2', { class: 'cc-h' }, 'Quote, as it will be saved'), quote,
      suggestions,
      el('label', { for: 'cc-filter', class: 'cc-h' }, 'Claim'),
      el('p', { id: 'cc-claims-help', class: 'cc-help' }, 'Best match first. ↑ ↓ to move, Enter to choose.'),
      filter, list, newBox, stance,
      el('label', { for: 'cc-note', class: 'cc-h' }, 'Note (optional, Markdown)'), note,
      ask,
      el('div', { class: 'cc-actions' }, save, cancel));
    ui.body.append(hint, work);
    const f = {
      article, quote, hint, filter, list, newText, newBox, radios, note, save, cancel, ask, suggestions, work,
      selection: null, range: null, claims: [], chosen: null, active: -1, stanceSet: false, quoteText: '',
    };

    f.stance = () => (radios.find((r) => r.checked) || {}).value || 'supports';
    f.setStance = (v, byUser) => {
      for (const r of radios) r.checked = r.value === v;
      if (byUser) f.stanceSet = true;
      remember();
    };
    for (const r of radios) r.addEventListener('change', () => { f.stanceSet = true; remember(); });
    note.addEventListener('input', remember);
    newText.addEventListener('input', remember);
    let timer = null;
    filter.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(() => rank(f, filter.value), 150);
      remember();
    });
    filter.addEventListener('keydown', (e) => {
      const n = f.claims.length + 1;
      if (e.key === 'ArrowDown') { e.preventDefault(); activate(f, Math.min(n - 1, f.active + 1)); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); activate(f, Math.max(0, f.active - 1)); }
      else if (e.key === 'Home' && e.ctrlKey) { e.preventDefault(); activate(f, 0); }
      else if (e.key === 'End' && e.ctrlKey) { e.preventDefault(); activate(f, n - 1); }
      else if (e.key === 'Enter' && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        if (f.active >= 0) choose(f, f.active);
      }
    });
    save.addEventListener('click', () => saveEvidence(f));
    cancel.addEventListener('click', () => closeForm(f));
    return f;
  }

  function option(f, i) {
    const isNew = i === f.claims.length;
    const c = f.claims[i];
    const value = isNew ? NEW : c.id;
    const chosen = f.chosen === value;
    const li = el('li', {
      id: `cc-opt-${i}`, role: 'option', 'aria-selected': chosen ? 'true' : 'false',
      class: `cc-option${chosen ? ' cc-chosen' : ''}${i === f.active ? ' cc-active' : ''}${isNew ? ' cc-option-new' : ''}`,
      'data-claim': isNew ? '' : c.id,
    });
    if (isNew) {
      li.append(el('span', { class: 'cc-opt-text' }, 'New claim…'),
        el('span', { class: 'cc-opt-meta' }, 'its text below, its id made from the text'));
    } else {
      const bar = el('span', { class: 'cc-bar', 'aria-hidden': 'true' }, el('span', {}));
      bar.firstChild.style.width = `${Math.round(Math.max(0, Math.min(1, c.score)) * 100)}%`;
      li.append(
        el('span', { class: 'cc-opt-text' }, c.text),
        el('span', { class: 'cc-opt-meta' }, `${c.id} · ${c.verdict}`,
          c.linked ? el('span', { class: 'cc-linked' }, ' · linked here already') : null,
          el('span', { class: 'visually-hidden' }, ` · ${scoreWords(c.score)}`)),
        bar);
    }
    li.addEventListener('mousedown', (e) => e.preventDefault());
    li.addEventListener('click', () => { choose(f, i); f.filter.focus(); });
    return li;
  }

  function renderList(f) {
    f.list.replaceChildren(...Array.from({ length: f.claims.length + 1 }, (_, i) => option(f, i)));
    if (f.active >= 0) f.filter.setAttribute('aria-activedescendant', `cc-opt-${f.active}`);
    else f.filter.removeAttribute('aria-activedescendant');
  }

  function activate(f, i) {
    f.active = i;
    renderList(f);
    const li = document.getElementById(`cc-opt-${i}`);
    if (li) li.scrollIntoView({ block: 'nearest' });
  }

  function choose(f, i) {
    const isNew = i === f.claims.length;
    f.chosen = isNew ? NEW : f.claims[i].id;
    f.active = i;
    f.newBox.hidden = !isNew;
    if (isNew && !f.newText.value.trim()) f.newText.value = f.quoteText;
    if (!isNew && !f.stanceSet && f.claims[i].stance) f.setStance(f.claims[i].stance, false);
    f.ask.hidden = true;
    renderList(f);
    remember();
    const what = isNew ? 'a new claim' : `“${f.claims[i].text}”`;
    say(`Chosen: ${what}.`);
  }

  async function rank(f, filterText) {
    if (!f.selection) return;
    try {
      const r = await call('POST', 'rank', { article: f.article, selection: f.selection, filter: filterText || undefined });
      f.quoteText = r.quote;
      f.quote.textContent = `“${r.quote}”`;
      const keep = f.chosen && f.chosen !== NEW && !r.claims.some((c) => c.id === f.chosen)
        ? f.claims.find((c) => c.id === f.chosen) : null;
      f.claims = keep ? [keep, ...r.claims] : r.claims;
      const at = f.chosen === NEW ? f.claims.length : f.claims.findIndex((c) => c.id === f.chosen);
      f.active = at >= 0 ? at : (f.claims.length ? 0 : f.claims.length);
      renderList(f);
      return r;
    } catch (err) {
      if (err.status === 409) {
        say('The article changed since this page was loaded: the selected passage is not in it any more. Select it again; your note is kept.', 'error');
      } else {
        say(err.message, 'error');
      }
      return null;
    }
  }

  /** Opens the form on a selection (or a whole statement). */
  async function openOn(f, selection, { focus = true, restoring = null } = {}) {
    f.selection = selection;
    f.range = rangeOf(selection);
    highlight(f.range);
    current = document.getElementById(selection.start.statement) || current;
    f.work.hidden = false;
    f.hint.hidden = true;
    if (!restoring) {
      f.chosen = null;
      f.stanceSet = false;
      f.filter.value = '';
      f.note.value = '';
      f.newText.value = '';
      f.newBox.hidden = true;
      f.setStance('supports', false);
    }
    f.quote.textContent = `“${selection.text.trim()}”`;
    showSuggestions(f);
    setOpen(true);
    if (focus) f.filter.focus({ preventScroll: true });
    const r = await rank(f, f.filter.value);
    if (f.range) keepClear(f.range.getBoundingClientRect());
    remember();
    return r;
  }

  function closeForm(f) {
    const back = current;
    f.selection = null;
    f.range = null;
    highlight(null);
    f.work.hidden = true;
    f.hint.hidden = false;
    clearDraft();
    say('');
    if (!wide.matches) setOpen(false);
    if (back) focusStatement(back);
  }

  function remember() {
    if (!form || !form.selection) return;
    saveDraft({
      kind: 'evidence', version: state.version, selection: form.selection, chosen: form.chosen,
      chosenText: (form.claims.find((c) => c.id === form.chosen) || {}).text,
      newText: form.newText.value, stance: form.stance(), stanceSet: form.stanceSet,
      note: form.note.value, filter: form.filter.value,
    });
  }

  /** Suggestions for the statement being reviewed, with Accept and Reject. */
  function showSuggestions(f) {
    const id = f.selection && f.selection.start.statement === f.selection.end.statement && f.selection.start.statement;
    const s = id && (state.suggestions || []).find((x) => x.statement === id);
    f.suggestions.replaceChildren();
    f.suggestions.hidden = !s || s.claims.length === 0;
    if (f.suggestions.hidden) return;
    f.suggestions.append(el('h2', { class: 'cc-h' }, 'Suggested for this statement'));
    const ul = el('ul', { class: 'cc-sugg-list' });
    for (const c of s.claims) {
      const pick = el('select', { 'aria-label': `Stance for “${c.claim_text}”` },
        STANCES.map((v) => el('option', { value: v, selected: v === c.stance }, v)));
      const why = (c.conflicts || []).map((k) => `differs in ${k.kind}: “${k.a_words}” vs “${k.b_words}”`).join('; ');
      const li = el('li', { 'data-claim': c.claim }, el('span', { class: 'cc-opt-text' }, c.claim_text),
        why ? el('span', { class: 'cc-why' }, ` (${why})`) : null, ' ', pick, ' ',
        el('button', { type: 'button', class: 'cc-accept', onclick: async (e) => {
          e.target.disabled = true;
          try {
            await call('POST', 'suggestions/accept', { version: state.version, article: f.article, statement: s.statement, claim: c.claim, stance: pick.value });
            written(`Linked to “${c.claim_text}” as ${pick.value}.`);
          } catch (err) { e.target.disabled = false; failed(err); }
        } }, 'Accept'), ' ',
        el('button', { type: 'button', class: 'cc-reject', onclick: async (e) => {
          e.target.disabled = true;
          try {
            await call('POST', 'suggestions/reject', { article: f.article, statement: s.statement, claim: c.claim });
            s.claims = s.claims.filter((x) => x.claim !== c.claim);
            li.remove();
            countSuggestions(s);
            if (s.claims.length === 0) f.suggestions.hidden = true;
            say(`Rejected: “${c.claim_text}” will not be suggested for this statement again.`, 'ok');
          } catch (err) { e.target.disabled = false; failed(err); }
        } }, 'Reject'));
      ul.append(li);
    }
    f.suggestions.append(ul);
  }

  /** The marker after a statement with suggestions, counting what is left. */
  function countSuggestions(s) {
    const st = document.getElementById(s.statement);
    let mark = st && st.nextElementSibling && st.nextElementSibling.matches('.cc-sugg') ? st.nextElementSibling : null;
    const n = s.claims.length;
    if (n === 0) { if (mark) mark.remove(); return; }
    if (!mark && st) {
      mark = el('button', { type: 'button', class: 'cc-ui cc-sugg', onclick: () => { if (form) openOn(form, wholeStatement(st)); } });
      st.insertAdjacentElement('afterend', mark);
    }
    if (!mark) return;
    mark.textContent = String(n);
    mark.setAttribute('aria-label', `${n} suggested claim${n === 1 ? '' : 's'} for this statement: review it`);
    mark.title = mark.getAttribute('aria-label');
  }

  function failed(err) {
    if (err.status === 409) say(`${err.message} Reload the page to see the current state.`, 'error');
    else say(err.message, 'error');
  }

  async function saveEvidence(f, { retried = false, allowSimilar = false } = {}) {
    if (!f.selection) return;
    if (!f.chosen) {
      say('Choose a claim in the list first (or “New claim…”, its last entry).', 'error');
      f.filter.focus();
      return;
    }
    const sel = f.selection;
    const noteText = f.note.value.trim() || undefined;
    const stance = f.stance();
    f.save.disabled = true;
    try {
      if (f.chosen === NEW) {
        const text = f.newText.value.trim();
        if (!text) { say('Write the new claim’s text first.', 'error'); f.newText.focus(); return; }
        const r = await call('POST', 'claims', {
          version: state.version, text, allow_similar: allowSimilar || undefined,
          evidence: { article: f.article, selection: sel, stance, note: noteText },
        });
        written(`${retried ? 'The claims file changed meanwhile; your new claim still applied and was saved. ' : ''}Created the claim “${text}” (${r.id}) with this quote as ${stance}.`);
      } else {
        const claim = f.claims.find((c) => c.id === f.chosen);
        await call('POST', 'evidence', { version: state.version, claim: f.chosen, article: f.article, selection: sel, stance, note: noteText });
        written(`${retried ? 'The claims file changed meanwhile; your quote still applied and was saved. ' : ''}Added to “${claim ? claim.text : f.chosen}” as ${stance}.`);
      }
    } catch (err) {
      f.save.disabled = false;
      if (err.status === 409 && !retried) return reapplyEvidence(f, allowSimilar);
      if (err.status === 422 && err.data && err.data.similar) return askSimilar(f, err.data.similar);
      failed(err);
    } finally {
      f.save.disabled = false;
    }
  }

  /** After a 409: save again on the current file when the change still applies. */
  async function reapplyEvidence(f, allowSimilar) {
    say('The claims file changed since this page was loaded; checking whether your change still applies…');
    let fresh;
    try {
      fresh = await call('GET', `state?article=${f.article}&claims=none`);
    } catch (err) { return failed(err); }
    if (f.chosen !== NEW) {
      try {
        await call('GET', `state?claim=${encodeURIComponent(f.chosen)}&claims=none`);
      } catch (err) {
        if (err.status === 404) {
          say(`Not saved: the claim ${f.chosen} is no longer in the claims file (it was removed or renamed meanwhile). Your quote, stance and note are kept: choose another claim.`, 'error');
          f.chosen = null;
          renderList(f);
          remember();
          return;
        }
        return failed(err);
      }
    }
    const r = await rank(f, f.filter.value);
    if (!r) return; // rank said why (the passage is gone)
    state.version = fresh.version;
    remember();
    return saveEvidence(f, { retried: true, allowSimilar });
  }

  /** A new claim says what an existing one says: ask first. */
  function askSimilar(f, similar) {
    const c = similar[0];
    f.ask.replaceChildren(
      el('p', { id: 'cc-ask-text' }, 'A claim already says this: “', c.text, `” (${c.id}, ${c.verdict}). Add the quote to it instead?`),
      el('div', { class: 'cc-actions' },
        el('button', { type: 'button', class: 'cc-use-existing', onclick: async () => {
          f.claims = [{ ...c, score: 1, linked: false }, ...f.claims.filter((x) => x.id !== c.id)];
          choose(f, 0);
          f.ask.hidden = true;
          await saveEvidence(f);
        } }, `Add to ${c.id}`),
        el('button', { type: 'button', class: 'cc-create-anyway', onclick: () => { f.ask.hidden = true; saveEvidence(f, { allowSimilar: true }); } }, 'Create the new claim anyway')));
    f.ask.hidden = false;
    say('A claim with this text exists already: choose what to do.', 'error');
    f.ask.querySelector('button').focus();
  }

  async function restoreEvidence(f, d) {
    if (!d || d.kind !== 'evidence' || !d.selection) return;
    const st = document.getElementById(d.selection.start.statement);
    if (!st) {
      say(`Your unsaved quote (“${d.selection.text.trim()}”) is not on the page any more: the article changed. Your note was: ${d.note || '(none)'}`, 'error');
      return;
    }
    f.filter.value = d.filter || '';
    f.note.value = d.note || '';
    f.newText.value = d.newText || '';
    f.stanceSet = !!d.stanceSet;
    f.setStance(d.stance || 'supports', false);
    f.chosen = d.chosen || null;
    f.newBox.hidden = f.chosen !== NEW;
    const r = await openOn(f, d.selection, { focus: false, restoring: d });
    if (!r) return;
    if (f.chosen && f.chosen !== NEW && !f.claims.some((c) => c.id === f.chosen)) {
      f.claims = [{ id: f.chosen, text: d.chosenText || f.chosen, verdict: '', score: 0, linked: false }, ...f.claims];
      renderList(f);
    }
    say('Restored your unsaved work on this page.', 'ok');
  }

  function articleMode() {
    panel('Review panel');
    form = articleForm();
    for (const s of state.suggestions || []) countSuggestions(s);
    document.addEventListener('mouseover', (e) => {
      const st = statementOf(e.target);
      if (st) current = st;
    });
    document.addEventListener('focusin', (e) => {
      const st = statementOf(e.target);
      if (st) current = st;
    });
    // Mouse: open on the selection made. Touch: a long press selects
    // without a mouseup, so wait for the selection to settle.
    let settle = null;
    document.addEventListener('mouseup', (e) => {
      if (e.target.closest && e.target.closest('.cc-ui')) return;
      setTimeout(() => {
        const sel = currentSelection();
        if (sel) openOn(form, sel);
      }, 10);
    });
    document.addEventListener('selectionchange', () => {
      clearTimeout(settle);
      settle = setTimeout(() => {
        if (!window.matchMedia('(pointer: coarse)').matches) return;
        const sel = currentSelection();
        if (sel && (!form.selection || sel.text !== form.selection.text)) openOn(form, sel, { focus: false });
      }, 600);
    });
    return restoreEvidence(form, loadDraft());
  }

  // ---- claim pages: verdict, status, summary, sign-off, evidence ----------

  function claimMode() {
    const id = claimMatch[1];
    const claim = (state.claims || []).find((c) => c.id === id);
    if (!claim) return;
    panel('Review this claim');
    const base = { verdict: claim.verdict, status: claim.status, summary: claim.summary || '' };
    const approved = claim.status === 'approved';
    const verdict = el('select', { id: 'cc-verdict', class: 'cc-verdict' },
      state.verdicts.map((v) => el('option', { value: v, selected: v === claim.verdict }, v)));
    const status = el('select', { id: 'cc-status', class: 'cc-status-field' },
      approved ? el('option', { value: '', selected: true }, 'approved (sign-off)') : null,
      ['draft', 'in-review'].map((v) => el('option', { value: v, selected: v === claim.status }, v)));
    const summary = el('textarea', { id: 'cc-summary', class: 'cc-summary', rows: 5 });
    summary.value = base.summary;
    const update = el('textarea', { id: 'cc-update', class: 'cc-update', rows: 2 });
    const updateBox = el('div', { class: 'cc-update-box', hidden: true },
      el('label', { for: 'cc-update' }, 'Update note (published with the claim): why the verdict changes'), update);
    const save = el('button', { type: 'button', class: 'cc-save' }, 'Save changes ', el('span', { class: 'cc-keys' }, '(Ctrl+Enter)'));

    const changes = (claim.changes || []).map((c) => c.text);
    const lapse = claim.signoff === 'lapsed'
      ? el('div', { class: 'cc-lapse', role: 'alert' },
        el('strong', {}, 'Changed since it was signed off: '),
        changes.length ? changes.join(', ') : 'the claim or its evidence',
        '. Review it and sign off again.')
      : null;
    const words = {
      'not-approved': 'Not signed off yet.',
      unrecorded: 'Approved by hand, without a fingerprint: sign off to record one.',
      current: `Signed off by ${claim.reviewer} on ${claim.reviewed}; nothing it covers changed since.`,
      lapsed: 'The approval lapsed: it is published only as a draft until signed off again.',
    };
    const reviewer = el('input', { type: 'text', id: 'cc-reviewer', class: 'cc-reviewer', value: state.reviewer || '', autocomplete: 'name' });
    const signNote = el('textarea', { id: 'cc-sign-update', class: 'cc-sign-update', rows: 2 });
    const signNoteBox = el('div', { class: 'cc-update-box', hidden: !claim.needs_update_note },
      el('label', { for: 'cc-sign-update' }, `The verdict changed from ${claim.signed_verdict} to ${claim.verdict} since it was signed off: say why (published with the claim)`), signNote);
    const sign = el('button', { type: 'button', class: 'cc-signoff' }, 'Sign off');
    const evidence = el('ol', { class: 'cc-evidence' });
    for (const e of claim.evidence) {
      evidence.append(el('li', { 'data-index': e.index },
        el('span', { class: `cc-stance-name cc-stance-${e.stance}` }, e.stance), ' ',
        el('q', {}, e.quote), ` — ${e.article}`, e.anchored ? '' : ' (not found in the article)', ' ',
        el('button', { type: 'button', class: 'cc-remove', 'aria-label': `Remove evidence ${e.number}`, onclick: async (ev) => {
          if (!confirm(`Remove evidence ${e.number} from this claim?\n\n“${e.quote}”`)) return;
          ev.target.disabled = true;
          try { await call('DELETE', `claims/${id}/evidence/${e.index}`, { version: state.version }); written(`Removed evidence ${e.number}.`); } catch (err) { ev.target.disabled = false; failed(err); }
        } }, 'Remove')));
    }
    ui.body.append(
      lapse,
      el('h2', { class: 'cc-h' }, 'Verdict and summary'),
      el('label', { for: 'cc-verdict' }, 'Verdict'), verdict,
      el('label', { for: 'cc-status' }, 'Status'), status,
      el('label', { for: 'cc-summary' }, 'Summary (Markdown)'), summary,
      updateBox,
      el('div', { class: 'cc-actions' }, save),
      el('h2', { class: 'cc-h' }, 'Sign-off'),
      el('p', { class: `cc-signoff-state cc-${claim.signoff}` }, words[claim.signoff]),
      el('label', { for: 'cc-reviewer' }, 'Reviewer'), reviewer,
      signNoteBox,
      el('div', { class: 'cc-actions' }, sign),
      el('h2', { class: 'cc-h' }, `Evidence (${claim.evidence.length})`),
      evidence);

    const needsNote = () => approved && verdict.value !== claim.verdict;
    const remember = () => {
      updateBox.hidden = !needsNote();
      saveDraft({
        kind: 'claim', base, verdict: verdict.value, status: status.value, summary: summary.value,
        update: update.value, signUpdate: signNote.value, reviewer: reviewer.value,
      });
    };
    for (const x of [verdict, status]) x.addEventListener('change', remember);
    for (const x of [summary, update, signNote, reviewer]) x.addEventListener('input', remember);

    const edits = (now) => {
      const body = {};
      if (verdict.value !== now.verdict) body.verdict = verdict.value;
      if (status.value && status.value !== now.status) body.status = status.value;
      if (summary.value.trim() !== (now.summary || '').trim()) body.summary = summary.value;
      if (body.verdict && update.value.trim()) body.update = update.value.trim();
      return body;
    };
    const saveChanges = async (retried) => {
      const body = edits(base);
      if (Object.keys(body).length === 0) { say('Nothing changed.'); return; }
      if (body.verdict && approved && claim.signed_verdict && body.verdict !== claim.signed_verdict && !body.update) {
        say(`This claim was signed off as ${claim.signed_verdict}: say why the verdict changes in the update note.`, 'error');
        updateBox.hidden = false;
        update.focus();
        return;
      }
      save.disabled = true;
      try {
        await call('PATCH', `claims/${id}`, { version: state.version, ...body });
        written(retried ? 'The claims file changed meanwhile; your changes still applied and were saved.' : 'Saved.');
      } catch (err) {
        save.disabled = false;
        if (err.status !== 409 || retried) return failed(err);
        // Applies again only if nobody changed the same fields meanwhile.
        let fresh;
        try { fresh = await call('GET', `state?claim=${id}&claims=cited`); } catch (e2) { return failed(e2); }
        const now = fresh.claims[0];
        const clash = Object.keys(body).filter((k) => k !== 'update' && (now[k] || '') !== (base[k] || ''));
        state.version = fresh.version;
        if (clash.length === 0) return saveChanges(true);
        const said = clash.map((k) => `the ${k} is now “${now[k] || ''}” (it was “${base[k] || ''}”)`).join('; ');
        Object.assign(base, { verdict: now.verdict, status: now.status, summary: now.summary || '' });
        remember();
        say(`Not saved: the claims file changed meanwhile, and ${said}. Your version is kept in the form: save again to replace it.`, 'error');
      } finally { save.disabled = false; }
    };
    save.addEventListener('click', () => saveChanges(false));
    sign.addEventListener('click', async () => {
      if (!signNoteBox.hidden && !signNote.value.trim()) {
        say('Say why the verdict changed first: the note is published with the claim.', 'error');
        signNote.focus();
        return;
      }
      sign.disabled = true;
      try {
        await call('POST', `claims/${id}/signoff`, {
          version: state.version, fingerprint: claim.fingerprint, reviewer: reviewer.value.trim() || undefined,
          update: signNote.value.trim() || undefined,
        });
        written('Signed off.');
      } catch (err) {
        sign.disabled = false;
        if (err.status === 409) say('Not signed off: the claim or its evidence changed since this page was loaded. The page reloads with it; review it again.', 'error');
        else failed(err);
      }
    });
    ui.save = () => (document.activeElement === signNote ? sign.click() : save.click());
    ui.first = verdict;
    // What must be seen is not left collapsed.
    if (lapse) setOpen(true);

    const d = loadDraft();
    if (d && d.kind === 'claim') {
      const moved = ['verdict', 'status', 'summary'].filter((k) => (d.base[k] || '') !== (base[k] || ''));
      verdict.value = d.verdict;
      if (d.status !== undefined) status.value = d.status;
      summary.value = d.summary;
      update.value = d.update || '';
      signNote.value = d.signUpdate || '';
      if (d.reviewer) reviewer.value = d.reviewer;
      remember();
      setOpen(true);
      say(moved.length
        ? `Restored your unsaved changes; meanwhile the file changed the ${moved.join(', ')} (now: ${moved.map((k) => `“${base[k]}”`).join(', ')}).`
        : 'Restored your unsaved changes on this page.', moved.length ? 'error' : 'ok');
    }
  }

  // ---- keys ----------------------------------------------------------------

  function onKey(e) {
    if (!ui) return;
    const inPanel = ui.root.contains(document.activeElement);
    const open = (e.altKey && e.shiftKey && e.code === 'KeyR')
      || (e.key === 'r' && !e.altKey && !e.ctrlKey && !e.metaKey && !typing(e.target) && !inPanel);
    if (open) {
      e.preventDefault();
      if (form) {
        const sel = currentSelection();
        const st = current || statements()[0];
        if (sel) openOn(form, sel);
        else if (st) openOn(form, wholeStatement(st));
      } else {
        setOpen(true);
        if (ui.first) ui.first.focus();
      }
      return;
    }
    if (form && !typing(e.target) && !inPanel && !e.altKey && !e.ctrlKey && !e.metaKey) {
      if (e.key === 'j') { e.preventDefault(); step(1); return; }
      if (e.key === 'k') { e.preventDefault(); step(-1); return; }
    }
    if (!inPanel) return;
    if (e.key === 'Escape') {
      e.preventDefault();
      if (form && form.selection) closeForm(form);
      else {
        if (!wide.matches) setOpen(false);
        const back = current || document.querySelector('main h1');
        if (back) {
          if (!back.hasAttribute('tabindex')) back.setAttribute('tabindex', '-1');
          back.focus();
        }
      }
      return;
    }
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (form) saveEvidence(form);
      else if (ui.save) ui.save();
      return;
    }
    if (form && e.altKey && e.shiftKey && STANCE_KEYS[e.code]) {
      e.preventDefault();
      form.setStance(STANCE_KEYS[e.code], true);
      say(`Stance: ${STANCE_KEYS[e.code]}.`);
      return;
    }
    if (form && !typing(e.target) && !e.altKey && !e.ctrlKey && !e.metaKey) {
      const v = { s: 'supports', c: 'contradicts', m: 'mentions' }[e.key];
      if (v) { e.preventDefault(); form.setStance(v, true); say(`Stance: ${v}.`); }
    }
  }

  // ---- start ---------------------------------------------------------------

  async function start() {
    try {
      const q = articleMatch ? `state?article=${articleMatch[1]}&claims=cited`
        : claimMatch ? `state?claim=${claimMatch[1]}&claims=cited` : 'state?claims=none';
      state = await call('GET', q);
    } catch (err) {
      const box = el('aside', { id: 'cc-panel', class: 'cc-ui cc-panel cc-collapsed', 'aria-label': 'Review panel' },
        el('p', { class: 'cc-marker' }, el('strong', {}, 'Review mode'), ` — unavailable: ${err.message}`));
      document.body.prepend(box);
      return;
    }
    document.documentElement.dataset.ccVersion = state.version;
    document.addEventListener('keydown', onKey);
    // Serve's own pages (building, failed) are at the same addresses.
    if (articleMatch && document.querySelector('.article-body')) await articleMode();
    else if (claimMatch && document.querySelector('main h1')) claimMode();
    else {
      panel('Review panel');
      ui.body.append(el('p', { class: 'cc-hint' },
        'Open a report to link its statements to claims, or a claim to edit its verdict and sign it off.'));
      setOpen(wide.matches);
    }
    document.documentElement.classList.add('cc-ready');
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
