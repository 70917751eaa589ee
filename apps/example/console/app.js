/* global document, window, location, localStorage, Node, Blob, URLSearchParams */
// The memory console: a small single-page app over the service's own API (no build step).
// Every text goes into the page through textContent, never innerHTML.

const main = document.getElementById('main');
const keyInput = document.getElementById('api-key');
keyInput.value = localStorage.getItem('memoryKey') ?? '';
keyInput.addEventListener('change', () => {
  localStorage.setItem('memoryKey', keyInput.value.trim());
  render();
});

/** Builds an element: h('a', { href: '#/' }, 'text', child). */
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

async function api(method, path, body, headers = {}) {
  const key = localStorage.getItem('memoryKey');
  const response = await fetch(path, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('application/json') ? await response.json() : await response.text();
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, headers: response.headers };
}

const enc = encodeURIComponent;
const when = (d) => (d ? new Date(d).toLocaleString() : '—');
const badge = (text, kind = text) => h('span', { class: `badge ${kind}` }, text);
const errorBox = (error) =>
  h(
    'p',
    { class: 'error', role: 'alert' },
    error.status === 401 ? `${error.message} — enter a key at the top right.` : error.message,
  );
const card = (...children) => h('section', { class: 'card' }, ...children);
const table = (headings, rows) =>
  h(
    'table',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headings.map((x) => h('th', {}, x)),
      ),
    ),
    h('tbody', {}, rows),
  );

// ---- Users ----------------------------------------------------------------------------------

async function usersPage() {
  const { data } = await api('GET', '/users');
  const open = h(
    'form',
    {
      class: 'row',
      onsubmit: (e) => {
        e.preventDefault();
        location.hash = `#/users/${enc(e.target.elements.user.value.trim())}`;
      },
    },
    h('input', { name: 'user', placeholder: 'user id', required: true }),
    h('button', { type: 'submit' }, 'Open user'),
  );
  return [
    h('h1', {}, 'Users'),
    card(open),
    card(
      data.users.length === 0
        ? h('p', { class: 'muted' }, 'No sessions yet.')
        : table(
            ['User', 'Sessions', 'Last activity'],
            data.users.map((u) =>
              h(
                'tr',
                {},
                h('td', {}, h('a', { href: `#/users/${enc(u.userId)}` }, u.userId)),
                h('td', {}, u.sessions),
                h('td', {}, when(u.lastActivity)),
              ),
            ),
          ),
    ),
  ];
}

/** A JSON merge patch turning `before` into `after` (removed keys become null). */
function mergePatch(before, after) {
  const patch = {};
  for (const key of Object.keys(before)) if (!(key in after)) patch[key] = null;
  for (const [key, value] of Object.entries(after)) {
    const old = before[key];
    const bothObjects =
      value &&
      old &&
      typeof value === 'object' &&
      typeof old === 'object' &&
      !Array.isArray(value) &&
      !Array.isArray(old);
    if (bothObjects) {
      const nested = mergePatch(old, value);
      if (Object.keys(nested).length > 0) patch[key] = nested;
    } else if (JSON.stringify(old) !== JSON.stringify(value)) patch[key] = value;
  }
  return patch;
}

async function profileCard(userId) {
  let profile = null;
  let etag = null;
  try {
    ({
      data: { profile, etag },
    } = await api('GET', `/users/${enc(userId)}/profile`));
  } catch (error) {
    if (error.status !== 404) throw error;
  }
  let shown = profile ? Object.fromEntries(Object.entries(profile).filter(([k]) => k !== 'user_id')) : {};
  const text = h(
    'textarea',
    { rows: 8, id: 'profile-json', 'aria-label': 'profile JSON' },
    JSON.stringify(shown, null, 2),
  );
  const status = h('span', { class: 'muted', id: 'profile-status' });
  const version = h(
    'p',
    { class: 'muted', id: 'profile-version' },
    profile ? `version ${etag}` : 'No profile yet: saving creates it.',
  );
  const save = async () => {
    let edited;
    try {
      edited = JSON.parse(text.value);
    } catch (e) {
      status.textContent = `not JSON: ${e.message}`;
      return;
    }
    try {
      const answer = await api(
        'PATCH',
        `/users/${enc(userId)}/profile`,
        mergePatch(shown, edited),
        etag ? { 'if-match': etag } : {},
      );
      etag = answer.data.etag;
      shown = Object.fromEntries(Object.entries(answer.data.profile).filter(([k]) => k !== 'user_id'));
      text.value = JSON.stringify(shown, null, 2);
      version.textContent = `version ${etag}`;
      status.textContent = 'saved';
      status.className = 'ok';
    } catch (error) {
      status.textContent = error.status === 409 ? 'someone changed it meanwhile: reload and edit again' : error.message;
      status.className = 'error';
    }
  };
  return card(
    h('h2', {}, 'Profile'),
    version,
    text,
    h('p', { class: 'row' }, h('button', { onclick: save, id: 'profile-save' }, 'Save profile'), ' ', status),
  );
}

async function knowledgeCard(userId) {
  const { data } = await api('GET', `/users/${enc(userId)}/knowledge`);
  const rows = data.triples.map(([s, p, o, meta = {}]) =>
    h(
      'tr',
      {},
      h('td', {}, s),
      h('td', {}, p),
      h('td', {}, o),
      h('td', {}, typeof meta.endTime === 'string' ? badge('superseded') : badge('current', 'active')),
      h(
        'td',
        { class: 'muted' },
        [
          meta.sessionId ? h('a', { href: `#/sessions/${meta.sessionId}` }, 'session') : null,
          meta.time ? ` ${when(meta.time)}` : '',
        ].filter(Boolean),
      ),
    ),
  );
  return card(
    h('h2', {}, `Knowledge (${data.triples.length})`),
    rows.length
      ? table(['Subject', 'Predicate', 'Object', 'State', 'Provenance'], rows)
      : h('p', { class: 'muted' }, 'None.'),
  );
}

async function userPage(userId) {
  const { data } = await api('GET', `/sessions?userId=${enc(userId)}&status=any&limit=200`);
  const sessions = card(
    h('h2', {}, `Sessions (${data.sessions.length})`),
    data.sessions.length
      ? table(
          ['Title', 'Status', 'Last message', 'Updated'],
          data.sessions.map((s) =>
            h(
              'tr',
              {},
              h('td', {}, h('a', { href: `#/sessions/${s.id}` }, s.title ?? s.id.slice(0, 8))),
              h('td', {}, badge(s.status)),
              h('td', { class: 'muted' }, s.lastMessage?.content ?? ''),
              h('td', {}, when(s.updatedAt)),
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );
  const exportButton = h('button', { class: 'secondary', id: 'export' }, 'Export (JSONL)');
  exportButton.addEventListener('click', async () => {
    let text;
    try {
      ({ data: text } = await api('GET', `/users/${enc(userId)}/export`));
    } catch (error) {
      purgeArea.replaceChildren(errorBox(error));
      return;
    }
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }));
    h('a', { href: url, download: `${userId}.jsonl` }).click();
    URL.revokeObjectURL(url);
  });
  const purgeButton = h('button', { class: 'danger', id: 'purge' }, 'Purge user…');
  purgeButton.addEventListener('click', () => {
    const confirmBox = h('input', { id: 'purge-confirm', placeholder: `type ${userId} to confirm` });
    const go = h('button', { class: 'danger', id: 'purge-go', disabled: true }, 'Delete everything of this user');
    confirmBox.addEventListener('input', () => (go.disabled = confirmBox.value !== userId));
    go.addEventListener('click', async () => {
      go.disabled = true;
      let result;
      try {
        ({ data: result } = await api('DELETE', `/users/${enc(userId)}`));
      } catch (error) {
        purgeArea.replaceChildren(errorBox(error));
        return;
      }
      purgeArea.replaceChildren(
        h(
          'p',
          { class: 'ok', id: 'purge-result' },
          `Purged: ${result.sessions} sessions, ${result.messages} messages, ${result.longTermObjects} long-term objects.`,
        ),
      );
    });
    purgeArea.replaceChildren(confirmBox, ' ', go);
  });
  const purgeArea = h('span');
  return [
    h('h1', {}, `User ${userId}`),
    h('div', { class: 'grid' }, await profileCard(userId), await knowledgeCard(userId)),
    sessions,
    card(h('h2', {}, 'Data rights'), h('p', { class: 'row' }, exportButton, purgeButton, purgeArea)),
  ];
}

// ---- Session --------------------------------------------------------------------------------

/** A tool part's state as a reader says it, and the badge colour it gets. */
const TOOL_STATES = {
  'input-streaming': ['calling…', 'cold'],
  'input-available': ['called', 'cold'],
  'approval-requested': ['awaiting approval', 'superseded'],
  'approval-responded': ['approval answered', 'superseded'],
  'output-available': ['result', 'active'],
  'output-error': ['error', 'deleted'],
  'output-denied': ['denied', 'deleted'],
};

/** A link for a stored URL: only http(s) becomes a link (never javascript: or data: from data). */
const safeLink = (url, label) =>
  /^https?:\/\//i.test(String(url))
    ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, label)
    : h('span', {}, label);

const json = (value) => h('pre', { class: 'json' }, JSON.stringify(value, null, 2));

/** One AI SDK UIMessage part: text, reasoning, a tool call with its input and result, files, sources. */
function partView(p, i) {
  if (!p || typeof p !== 'object') return h('pre', { class: 'json part other' }, JSON.stringify(p));
  const type = typeof p.type === 'string' ? p.type : '';
  if (type === 'text') return h('div', { class: 'part text' }, p.text);
  if (type === 'reasoning') {
    return h('details', { class: 'part reasoning', open: true }, h('summary', {}, 'Reasoning'), h('div', {}, p.text));
  }
  if (type === 'step-start') return i === 0 ? null : h('hr', { class: 'part step' });
  if (type === 'dynamic-tool' || type.startsWith('tool-')) {
    const name = type === 'dynamic-tool' ? p.toolName : type.slice('tool-'.length);
    const [said, kind] = TOOL_STATES[p.state] ?? [String(p.state ?? 'unknown'), 'cold'];
    return h(
      'div',
      {
        class: `part tool${kind === 'deleted' ? ' failed' : ''}`,
        dataset: { tool: name, state: String(p.state ?? '') },
      },
      h(
        'div',
        { class: 'tool-head' },
        'Tool ',
        h('code', {}, name),
        ' ',
        badge(said, kind),
        p.toolCallId ? h('span', { class: 'muted' }, ` ${p.toolCallId}`) : null,
      ),
      'input' in p ? [h('div', { class: 'label' }, 'Input'), json(p.input)] : null,
      'output' in p ? [h('div', { class: 'label' }, 'Output'), json(p.output)] : null,
      typeof p.errorText === 'string' ? h('p', { class: 'error tool-error' }, p.errorText) : null,
    );
  }
  if (type === 'file' || type === 'reasoning-file') {
    return h(
      'div',
      { class: 'part file' },
      'File ',
      safeLink(p.url, p.filename ?? (String(p.url).startsWith('data:') ? 'inline data' : p.url)),
      ` (${p.mediaType})`,
    );
  }
  if (type === 'source-url') return h('div', { class: 'part source' }, 'Source ', safeLink(p.url, p.title ?? p.url));
  if (type === 'source-document') {
    return h(
      'div',
      { class: 'part source' },
      `Source ${p.title} (${p.mediaType}${p.filename ? `, ${p.filename}` : ''})`,
    );
  }
  const { type: _type, ...rest } = p;
  return h('div', { class: 'part other' }, h('div', { class: 'label' }, type || 'part'), json(rest));
}

function messageView(m) {
  const parts = Array.isArray(m.parts) ? m.parts : [];
  // The content of a message with text parts is their projection: show the parts, not both.
  const showContent = m.content && !parts.some((p) => p?.type === 'text');
  return h(
    'div',
    { class: `msg ${m.role}` },
    h(
      'div',
      { class: 'meta' },
      `${m.role}${m.model ? ` · ${m.model}` : ''} · ${when(m.createdAt)}${m.hasEmbedding ? ' · embedded' : ''}`,
    ),
    showContent ? h('div', { class: 'part text' }, m.content) : null,
    parts.map(partView),
  );
}

async function sessionPage(sessionId) {
  const [{ data: session }, { data: history }, { data: summaries }] = await Promise.all([
    api('GET', `/sessions/${sessionId}`),
    api('GET', `/sessions/${sessionId}/messages?limit=500`),
    api('GET', `/sessions/${sessionId}/summaries`),
  ]);
  const archived = session.status === 'cold' || session.status === 'deep';
  const restore = h('button', { id: 'restore' }, 'Restore to active');
  restore.addEventListener('click', async () => {
    restore.disabled = true;
    let data;
    try {
      ({ data } = await api('POST', `/sessions/${sessionId}/restore`));
    } catch (error) {
      restore.replaceWith(errorBox(error));
      return;
    }
    restore.replaceWith(
      h(
        'span',
        { class: 'ok' },
        `Restored from ${data.from}: ${data.messages} messages. `,
        h('a', { href: `#/sessions/${sessionId}?restored` }, 'Show the transcript'),
      ),
    );
  });
  return [
    h('h1', {}, session.title ?? 'Session'),
    card(
      h(
        'p',
        {},
        'Status ',
        badge(session.status),
        ' · user ',
        session.userId ? h('a', { href: `#/users/${enc(session.userId)}` }, session.userId) : '—',
        ` · updated ${when(session.updatedAt)}`,
      ),
      archived
        ? h('p', {}, `This session is in the ${session.status} tier: its messages are archived. `, restore)
        : null,
      session.metadata ? h('pre', { class: 'json' }, JSON.stringify(session.metadata, null, 2)) : null,
    ),
    card(
      h('h2', {}, `Summaries (${summaries.summaries.length})`),
      summaries.summaries.length
        ? summaries.summaries.map((s) =>
            h(
              'div',
              { class: 'msg' },
              h('div', { class: 'meta' }, `${s.strategy} ${s.strategyVersion ?? ''} · ${when(s.createdAt)}`),
              h('div', {}, s.text ?? ''),
              h('pre', { class: 'json' }, JSON.stringify(s.json, null, 2)),
            ),
          )
        : h('p', { class: 'muted' }, 'None.'),
    ),
    card(
      h('h2', {}, `Transcript (${history.messages.length})`),
      history.messages.length
        ? history.messages.map(messageView)
        : h('p', { class: 'muted' }, archived ? 'Archived: restore to read.' : 'No messages.'),
    ),
  ];
}

// ---- Search ---------------------------------------------------------------------------------

async function searchPage() {
  const results = h('div', { id: 'search-results' });
  const form = h(
    'form',
    { class: 'row', id: 'search-form' },
    h('input', { name: 'user', placeholder: 'user id', required: true }),
    h('input', { name: 'q', placeholder: 'what to look for', required: true, size: 40 }),
    h('button', { type: 'submit' }, 'Search'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const user = form.elements.user.value.trim();
    const q = form.elements.q.value.trim();
    try {
      const [{ data: messages }, { data: knowledge }] = await Promise.all([
        // One message of context on each side of a hit: what was asked before it, what came after.
        api('POST', `/users/${enc(user)}/search`, { text: q, topK: 10, around: 1 }),
        api('GET', `/users/${enc(user)}/knowledge/relevant?q=${enc(q)}&topK=10`),
      ]);
      results.replaceChildren(
        card(
          h('h2', {}, `Messages (${messages.hits.length})`),
          messages.hits.length
            ? table(
                ['Score', 'Message', 'Session'],
                messages.hits.map((hit) =>
                  h(
                    'tr',
                    {},
                    h('td', { class: 'score' }, hit.score.toFixed(3)),
                    h(
                      'td',
                      {},
                      (hit.before ?? []).map((m) => h('div', { class: 'muted context' }, `${m.role}: ${m.content}`)),
                      h('div', { class: 'hit' }, `${hit.message.role}: ${hit.message.content}`),
                      (hit.after ?? []).map((m) => h('div', { class: 'muted context' }, `${m.role}: ${m.content}`)),
                    ),
                    h('td', {}, h('a', { href: `#/sessions/${hit.message.sessionId}` }, 'open')),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'No message matches.'),
        ),
        card(
          h('h2', {}, `Knowledge (${knowledge.triples.length})`),
          knowledge.triples.length
            ? table(
                ['Score', 'Triple'],
                knowledge.triples.map((t, i) =>
                  h(
                    'tr',
                    {},
                    h('td', { class: 'score' }, knowledge.scores[i].toFixed(3)),
                    h('td', {}, t.slice(0, 3).join(' · ')),
                  ),
                ),
              )
            : h('p', { class: 'muted' }, 'No knowledge matches.'),
        ),
      );
    } catch (error) {
      results.replaceChildren(errorBox(error));
    }
  });
  return [h('h1', {}, 'Search'), card(form), results];
}

// ---- Audit ----------------------------------------------------------------------------------

async function auditPage() {
  const params = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const actor = params.get('actor') ?? '';
  const { data } = await api('GET', `/audit?limit=200${actor ? `&actor=${enc(actor)}` : ''}`);
  const form = h(
    'form',
    { class: 'row' },
    h('input', { name: 'actor', placeholder: 'actor (key name)', value: actor }),
    h('button', { type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    location.hash = `#/audit?actor=${enc(form.elements.actor.value.trim())}`;
  });
  return [
    h('h1', {}, 'Audit log'),
    card(form),
    card(
      table(
        ['When', 'Actor', 'Action', 'Resource', 'Details'],
        data.entries.map((e) =>
          h(
            'tr',
            {},
            h('td', {}, when(e.createdAt)),
            h('td', {}, e.actor ?? '—'),
            h('td', {}, e.action),
            h(
              'td',
              {},
              e.resourceType === 'session' && e.resourceId
                ? h('a', { href: `#/sessions/${e.resourceId}` }, `session ${e.resourceId.slice(0, 8)}`)
                : `${e.resourceType} ${e.resourceId ?? ''}`,
            ),
            h('td', { class: 'muted' }, e.details ? JSON.stringify(e.details) : ''),
          ),
        ),
      ),
    ),
  ];
}

// ---- Archive --------------------------------------------------------------------------------

async function archivePage() {
  const { data: plan } = await api('GET', '/archive/plan');
  const progress = h('progress', { max: 1, value: 0, id: 'archive-progress' });
  const status = h('p', { id: 'archive-status', class: 'muted' }, 'Not running.');
  const run = h('button', { id: 'archive-run' }, 'Run archive now');
  run.addEventListener('click', async () => {
    run.disabled = true;
    let { data: state } = await api('POST', '/archive/runs', {});
    while (state.state === 'running') {
      const p = state.progress;
      if (p) {
        progress.max = Math.max(p.total, 1);
        progress.value = p.done;
        status.textContent = `${p.phase}: ${p.done}/${p.total} sessions, ${p.messagesDone} messages`;
      } else status.textContent = 'starting…';
      await new Promise((ok) => setTimeout(ok, 250));
      ({ data: state } = await api('GET', `/archive/runs/${state.id}`));
    }
    progress.max = 1;
    progress.value = 1;
    status.className = state.state === 'done' ? 'ok' : 'error';
    status.textContent =
      state.state === 'done'
        ? `Done: ${state.result.cold.sessions} to cold, ${state.result.deep.sessions} to deep, ${state.result.deleted.sessions} deleted.`
        : `Failed: ${state.error}`;
    run.disabled = false;
  });
  const p = plan.policy;
  return [
    h('h1', {}, 'Archive'),
    card(
      h(
        'p',
        { class: 'muted' },
        `Policy: cold after ${p.coldAfterDays} days idle, deep after ${p.deepAfterDays}, deleted after ${p.deleteAfterDays}.`,
      ),
      table(
        ['Move', 'Sessions', 'Messages'],
        [
          ['active → cold', plan.cold],
          ['cold → deep', plan.deep],
          ['deep → deleted', plan.deleted],
        ].map(([label, c]) => h('tr', {}, h('td', {}, label), h('td', {}, c.sessions), h('td', {}, c.messages))),
      ),
    ),
    card(run, progress, status),
  ];
}

// ---- Router ---------------------------------------------------------------------------------

const routes = [
  [/^#?\/?$/, usersPage],
  [/^#\/users\/([^/?]+)/, (m) => userPage(decodeURIComponent(m[1]))],
  [/^#\/sessions\/([0-9a-f-]{36})/, (m) => sessionPage(m[1])],
  [/^#\/search/, searchPage],
  [/^#\/audit/, auditPage],
  [/^#\/archive/, archivePage],
];

async function render() {
  const hash = location.hash || '#/';
  for (const a of document.querySelectorAll('header nav a'))
    a.classList.toggle(
      'active',
      (hash.startsWith(a.getAttribute('href')) && a.getAttribute('href') !== '#/') || a.getAttribute('href') === hash,
    );
  for (const [pattern, page] of routes) {
    const m = hash.match(pattern);
    if (!m) continue;
    try {
      main.replaceChildren(...[await page(m)].flat());
    } catch (error) {
      main.replaceChildren(errorBox(error));
    }
    document.body.dataset.ready = hash;
    return;
  }
  main.replaceChildren(h('p', {}, 'No such page.'));
}

window.addEventListener('hashchange', render);
render();
