/**
 * One entry on the page: the verdict (filled in when the checks finish), the entry's fields,
 * its signer, its inclusion proof and its canonical body.
 */
import { fromBase64 } from './bytes.mjs';
import { card, el, fields, utcTime } from './dom.mjs';
import { signerCard } from './render-identity.mjs';
import { verdict } from './verify-entry.mjs';

/** @typedef {import('./verify-entry.mjs').CheckResult} CheckResult */

/** The canonical body as text and, when it is JSON, parsed. @param {string} base64 */
function decodeBody(base64) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(fromBase64(base64));
    try {
      return { text, json: /** @type {unknown} */ (JSON.parse(text)) };
    } catch {
      return { text, json: undefined };
    }
  } catch {
    return { text: '(the body is not base64 of UTF-8 text)', json: undefined };
  }
}

/** @param {unknown} json @param {string} key */
function member(json, key) {
  if (typeof json !== 'object' || json === null) return undefined;
  const value = /** @type {Record<string, unknown>} */ (json)[key];
  return typeof value === 'string' ? value : undefined;
}

/** A verdict that says it is still running; `showChecks` replaces it. */
function verdictCard() {
  const banner = el('div', { class: 'verdict pending', testid: 'verdict', data: { status: 'pending' }, text: 'verifying…' });
  const list = el('ul', { class: 'checks', testid: 'checks' });
  return { node: el('section', { class: 'card verdict-card' }, banner, list), banner, list };
}

/**
 * @param {import('./log-entry.mjs').LogEntry} entry
 * @param {string} via what the query was read as
 */
export function renderEntry(entry, via) {
  const body = decodeBody(entry.body);
  const proof = entry.inclusionProof;
  const v = verdictCard();
  const node = el(
    'div',
    { class: 'entry' },
    v.node,
    card(
      'Entry',
      { testid: 'entry' },
      fields([
        ['UUID', el('code', { text: entry.uuid })],
        ['Log index', String(entry.logIndex)],
        ['Integrated', `${utcTime(entry.integratedTime)} (${entry.integratedTime})`],
        ['Kind', member(body.json, 'kind')],
        ['API version', member(body.json, 'apiVersion')],
        ['Log ID', el('code', { text: entry.logID })],
        ['Found by', via],
      ]),
    ),
    signerCard(body.json),
    card(
      'Inclusion proof',
      { testid: 'proof' },
      fields([
        ['Leaf index', String(proof.logIndex)],
        ['Tree size', String(proof.treeSize)],
        ['Root hash', el('code', { text: proof.rootHash })],
        ['Hashes', proof.hashes.length === 0 ? '(none: the tree has one leaf)' : el('ol', { class: 'hashes' }, ...proof.hashes.map((h) => el('li', {}, el('code', { text: h }))))],
        ['Checkpoint', el('pre', { class: 'checkpoint', text: proof.checkpoint })],
      ]),
    ),
    card('Canonical body', { testid: 'body' }, el('pre', { text: body.json === undefined ? body.text : JSON.stringify(body.json, null, 2) })),
  );
  /** @param {CheckResult[]} results */
  const showChecks = (results) => showVerdict(v, results);
  return { node, showChecks };
}

/** @param {ReturnType<typeof verdictCard>} v @param {CheckResult[]} results */
function showVerdict(v, results) {
  const { status, text } = verdict(results);
  const mark = { pass: '✓', fail: '✗', unchecked: '?' };
  v.banner.className = `verdict ${status}`;
  v.banner.dataset.status = status;
  v.banner.textContent = `${mark[status]} ${text}`;
  v.list.replaceChildren(
    ...results.map((r) =>
      el('li', { class: r.status, data: { check: r.name, status: r.status } }, el('span', { class: 'mark', text: mark[r.status] }), el('strong', { text: r.name }), el('span', { class: 'detail', text: r.detail })),
    ),
  );
}

/** An answer that is not a LogEntry: red, with the answer as the log sent it. @param {unknown} answer @param {Error} err */
export function renderUnreadable(answer, err) {
  const v = verdictCard();
  showVerdict(v, [{ name: 'answer is a LogEntry', status: 'fail', detail: err.message }]);
  return el('div', { class: 'entry' }, v.node, card('The log’s answer', {}, el('pre', { text: JSON.stringify(answer, null, 2) })));
}

/** @param {{ uuids: string[], via: string }} found */
export function renderMatches(found) {
  const shown = found.uuids.slice(0, 100);
  const title = found.uuids.length === 0 ? 'No entry found' : `${found.uuids.length} entries match`;
  return card(
    title,
    { testid: 'matches' },
    el('p', { class: 'muted', text: `Searched the log’s index by ${found.via}. The index is best effort, as in Rekor: each entry is verified when opened.` }),
    el('ul', { class: 'matches' }, ...shown.map((uuid) => el('li', {}, el('a', { href: `?q=${uuid}` }, el('code', { text: uuid }))))),
    ...(found.uuids.length > shown.length ? [el('p', { class: 'muted', text: `and ${found.uuids.length - shown.length} more` })] : []),
  );
}

/** @param {string} message */
export function renderError(message) {
  return el('section', { class: 'card error', testid: 'error', text: message });
}
