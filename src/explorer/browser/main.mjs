/**
 * The explorer page's entry point: reads ?q= (so every lookup is a link), looks the query
 * up, shows the entry, then verifies it in the browser; and polls the tree head.
 */
import { el, utcTime } from './dom.mjs';
import { importLogKey } from './log-key.mjs';
import { LogEntryShapeError, readLogEntry } from './log-entry.mjs';
import { lookUp } from './lookup.mjs';
import { renderEntry, renderError, renderMatches, renderUnreadable } from './render-entry.mjs';
import { verifyEntry } from './verify-entry.mjs';

const TREE_POLL_MS = 3000;

/** @template {HTMLElement} T @param {string} id @param {new () => T} type @returns {T} */
function byId(id, type) {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error(`the page has no #${id}`);
  return node;
}

const form = byId('lookup', HTMLFormElement);
const input = byId('q', HTMLInputElement);
const results = byId('results', HTMLElement);

/** @type {Promise<import('./log-key.mjs').LogKey | Error> | undefined} */
let logKey;

/** The log's key, fetched once; a failure is kept only until the next lookup retries. */
function loadLogKey() {
  logKey ??= fetch('/api/v1/log/publicKey')
    .then((res) => (res.ok ? res.text() : Promise.reject(new Error(`GET /api/v1/log/publicKey answered ${res.status}`))))
    .then(importLogKey)
    .catch((/** @type {unknown} */ err) => {
      logKey = undefined;
      return err instanceof Error ? err : new Error(String(err));
    });
  return logKey;
}

/** Each lookup has a number; an answer for an older one is dropped. */
let lookups = 0;

/** @param {string} query */
async function show(query) {
  const mine = ++lookups;
  const current = () => mine === lookups;
  results.replaceChildren(el('p', { class: 'muted', text: `Looking up ${query}…` }));
  try {
    const found = await lookUp(query);
    if (!current()) return;
    if (found.kind === 'matches') {
      results.replaceChildren(renderMatches(found));
      return;
    }
    let entry;
    try {
      entry = readLogEntry(found.answer);
    } catch (err) {
      if (!(err instanceof LogEntryShapeError)) throw err;
      results.replaceChildren(renderUnreadable(found.answer, err));
      return;
    }
    const view = renderEntry(entry, found.via);
    results.replaceChildren(view.node);
    const checks = await verifyEntry(entry, found.expected, await loadLogKey());
    if (current()) view.showChecks(checks);
  } catch (err) {
    if (!current()) return;
    // QueryError, ApiError (404: no such entry) and network errors all read as sentences.
    results.replaceChildren(renderError(err instanceof Error ? err.message : String(err)));
  }
}

/** Shows what the address names: /?q=… opens straight on that lookup. */
function showFromAddress() {
  const query = new URLSearchParams(window.location.search).get('q')?.trim() ?? '';
  input.value = query;
  if (query) void show(query);
  else results.replaceChildren();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const query = input.value.trim();
  if (!query) return;
  const url = new URL(window.location.href);
  url.searchParams.set('q', query);
  // A new history entry per lookup, so Back returns to the previous one (popstate below).
  if (url.href !== window.location.href) window.history.pushState(null, '', url);
  void show(query);
});
window.addEventListener('popstate', showFromAddress);
showFromAddress();

const treeSize = byId('tree-size', HTMLElement);
const treeId = byId('tree-id', HTMLElement);
const treeStatus = byId('tree', HTMLElement);

/** The live tree head, every few seconds while the page is visible. */
async function pollTree() {
  try {
    if (document.visibilityState !== 'hidden') {
      const res = await fetch('/api/v1/log', { headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error(`GET /api/v1/log answered ${res.status}`);
      const info = /** @type {{ treeSize?: unknown, treeID?: unknown }} */ (await res.json());
      treeSize.textContent = String(info.treeSize);
      treeId.textContent = String(info.treeID);
      treeStatus.dataset.status = 'live';
      treeStatus.title = `checked ${utcTime(Date.now() / 1000)}`;
    }
  } catch (err) {
    treeStatus.dataset.status = 'unreachable';
    treeStatus.title = err instanceof Error ? err.message : String(err);
  } finally {
    setTimeout(pollTree, TREE_POLL_MS);
  }
}
void pollTree();
