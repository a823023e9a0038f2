/**
 * Building the page's DOM. Text goes in through textContent only: entries are
 * attacker-controlled, so no string from the log ever reaches innerHTML (the page's CSP,
 * require-trusted-types-for 'script', makes Chromium refuse such assignments anyway).
 */

/**
 * @typedef {{ class?: string, testid?: string, text?: string, href?: string, data?: Record<string, string> }} Props
 */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag @param {Props} [props] @param {(Node | string)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  if (props.class) node.className = props.class;
  if (props.testid) node.dataset.testid = props.testid;
  if (props.href && node instanceof HTMLAnchorElement) node.href = props.href;
  for (const [key, value] of Object.entries(props.data ?? {})) node.dataset[key] = value;
  if (props.text !== undefined) node.textContent = props.text;
  node.append(...children);
  return node;
}

/**
 * A definition list of label/value rows; values that are absent are left out.
 * @param {[string, string | Node | undefined][]} rows @param {Props} [props]
 */
export function fields(rows, props = {}) {
  const list = el('dl', { class: 'fields', ...props });
  for (const [label, value] of rows) {
    if (value === undefined) continue;
    const dd = el('dd', { data: { field: label } });
    dd.append(value);
    list.append(el('dt', { text: label }), dd);
  }
  return list;
}

/** @param {string} title @param {Props} props @param {(Node | string)[]} children */
export function card(title, props, ...children) {
  return el('section', { ...props, class: `card ${props.class ?? ''}`.trim() }, el('h2', { text: title }), ...children);
}

/** Unix seconds as "2025-01-31 12:34:56 UTC". @param {number} seconds */
export function utcTime(seconds) {
  return new Date(seconds * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}
