/* crosscheck search: no dependencies, no build step.
 *
 * The search box is created here, so without JavaScript there is none and
 * the site works as plain pages. The index (search-index.json, written by
 * `crosscheck build`) is fetched the first time the box is focused or
 * typed in. Results are built with createElement/textContent only: no
 * text from the index is ever parsed as HTML.
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var root = (script && script.getAttribute('data-root')) || '';
  var header = document.querySelector('.site-header');
  if (!header || !window.fetch || !document.querySelector) return;

  var MAX_RESULTS = 30;
  var index = null;
  var loading = null;
  var entries = [];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    if (text != null) node.textContent = text;
    return node;
  }

  // Case, accents, curly quotes and dashes do not matter.
  function fold(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
      .replace(/[\u2018\u2019\u201a\u201b]/g, "'").replace(/[\u201c\u201d\u201e\u201f]/g, '"')
      .replace(/[\u2010-\u2015]/g, '-');
  }

  var form = el('form', { 'class': 'search', role: 'search', 'aria-label': 'Search this fact-check' });
  var label = el('label', { 'for': 'search-q', 'class': 'search-label' }, 'Search claims and statements');
  var input = el('input', {
    id: 'search-q', type: 'search', name: 'q', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'Search claims, verdicts, statements…',
    'aria-describedby': 'search-status', 'aria-controls': 'search-results'
  });
  var status = el('p', { id: 'search-status', 'class': 'search-status', role: 'status', 'aria-live': 'polite' });
  var list = el('ol', { id: 'search-results', 'class': 'search-results', 'aria-label': 'Search results' });
  list.hidden = true;
  form.appendChild(label);
  form.appendChild(input);
  form.appendChild(status);
  form.appendChild(list);
  header.appendChild(form);

  function load() {
    if (!loading) {
      status.textContent = 'Loading the search index…';
      loading = fetch(root + 'search-index.json')
        .then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.json();
        })
        .then(function (data) {
          index = data;
          prepare(data);
          status.textContent = '';
          run();
        })
        .catch(function () {
          loading = null;
          status.textContent = 'The search index could not be loaded' +
            (location.protocol === 'file:' ? ' (search works when the site is served over HTTP).' : '.');
        });
    }
    return loading;
  }

  function prepare(data) {
    data.claims.forEach(function (c, i) {
      entries.push({ kind: 0, i: i, text: c[1], key: fold(c[1] + ' ' + c[0] + ' ' + c[2].replace(/-/g, ' ')) });
    });
    data.articles.forEach(function (a, i) {
      entries.push({ kind: 1, i: i, text: a[1], key: fold(a[1] + ' ' + a[2]) });
    });
    data.statements.forEach(function (s, i) {
      entries.push({ kind: 2, i: i, text: s[2], key: fold(s[2]) });
    });
  }

  function score(entry, terms) {
    var total = 0;
    for (var t = 0; t < terms.length; t++) {
      var at = entry.key.indexOf(terms[t]);
      if (at < 0) return -1;
      // Whole-word and early matches first.
      if (at === 0 || /[^a-z0-9]/.test(entry.key.charAt(at - 1))) total += 4;
      total += Math.max(0, 3 - at / 40);
    }
    return total + (2 - entry.kind) * 3;
  }

  // The text with each term wrapped in <mark>, built node by node.
  function highlighted(text, terms) {
    var span = el('span', {});
    var folded = fold(text);
    if (folded.length !== text.length) {
      span.textContent = text;
      return span;
    }
    var marks = [];
    terms.forEach(function (t) {
      var from = 0, at;
      while (t && (at = folded.indexOf(t, from)) >= 0) {
        marks.push([at, at + t.length]);
        from = at + t.length;
      }
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var pos = 0;
    marks.forEach(function (m) {
      if (m[0] < pos) return;
      span.appendChild(document.createTextNode(text.slice(pos, m[0])));
      span.appendChild(el('mark', {}, text.slice(m[0], m[1])));
      pos = m[1];
    });
    span.appendChild(document.createTextNode(text.slice(pos)));
    return span;
  }

  function verdictBadge(slug) {
    var v = index.verdicts[slug] || [slug, ''];
    var badge = el('span', { 'class': 'verdict verdict-' + slug });
    badge.appendChild(el('span', { 'class': 'icon', 'aria-hidden': 'true' }, v[1]));
    badge.appendChild(document.createTextNode(' ' + v[0]));
    return badge;
  }

  function result(entry, terms) {
    var li = el('li', { 'class': 'search-result' });
    var kind, href, meta = el('span', { 'class': 'search-meta' });
    if (entry.kind === 0) {
      var c = index.claims[entry.i];
      kind = 'Claim';
      href = root + 'claims/' + c[0] + '/';
      meta.appendChild(verdictBadge(c[2]));
    } else if (entry.kind === 1) {
      var a = index.articles[entry.i];
      kind = 'Report';
      href = root + 'articles/' + a[0] + '/';
      meta.textContent = a[2];
    } else {
      var s = index.statements[entry.i];
      var art = index.articles[s[0]];
      kind = 'Statement';
      href = root + 'articles/' + art[0] + '/#' + s[1];
      var links = s[3];
      var parts = [];
      for (var k = 0; k + 1 < links.length; k += 2) {
        var claim = index.claims[links[k]];
        var stance = index.stances[links[k + 1]] || ['', ''];
        parts.push(stance[1] + ' “' + claim[1] + '”');
      }
      meta.textContent = art[2] + ' — ' + parts.join('; ');
    }
    li.appendChild(el('span', { 'class': 'search-kind' }, kind));
    var link = el('a', { href: href });
    link.appendChild(highlighted(entry.text, terms));
    li.appendChild(link);
    li.appendChild(meta);
    return li;
  }

  function run() {
    var query = fold(input.value).trim();
    while (list.firstChild) list.removeChild(list.firstChild);
    if (!query) {
      list.hidden = true;
      status.textContent = '';
      return;
    }
    if (!index) return;
    var terms = query.split(/\s+/);
    var hits = [];
    for (var n = 0; n < entries.length; n++) {
      var sc = score(entries[n], terms);
      if (sc >= 0) hits.push([sc, n]);
    }
    hits.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    hits.slice(0, MAX_RESULTS).forEach(function (h) {
      list.appendChild(result(entries[h[1]], terms));
    });
    list.hidden = hits.length === 0;
    status.textContent = hits.length === 0 ? 'No results.'
      : hits.length > MAX_RESULTS ? hits.length + ' results; the first ' + MAX_RESULTS + ' are shown.'
      : hits.length + (hits.length === 1 ? ' result.' : ' results.');
  }

  var timer = null;
  input.addEventListener('focus', load);
  input.addEventListener('input', function () {
    load();
    clearTimeout(timer);
    timer = setTimeout(run, 80);
  });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    var first = list.querySelector('a');
    if (first) first.click();
  });
  // Arrow keys move between the box and the results; Escape clears.
  form.addEventListener('keydown', function (e) {
    var links = Array.prototype.slice.call(list.querySelectorAll('a'));
    var at = links.indexOf(document.activeElement);
    if (e.key === 'ArrowDown' && links.length) {
      e.preventDefault();
      links[Math.min(at + 1, links.length - 1)].focus();
    } else if (e.key === 'ArrowUp' && at >= 0) {
      e.preventDefault();
      if (at === 0) input.focus(); else links[at - 1].focus();
    } else if (e.key === 'Escape') {
      input.value = '';
      run();
      input.focus();
    }
  });
})();
