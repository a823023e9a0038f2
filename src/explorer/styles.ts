/** The explorer's style sheet, served as /explorer/explorer.css (the CSP allows no inline style). */
export const EXPLORER_CSS = `
:root {
  --ink: #1c2430; --muted: #5d6b7c; --line: #dde3ea; --paper: #f5f7fa; --card: #fff;
  --pass: #13794a; --pass-bg: #e6f5ed; --fail: #b42318; --fail-bg: #fdecea;
  --unchecked: #8a5a00; --unchecked-bg: #fff6e0; --accent: #2456a6;
  --mono: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace;
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--paper); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }
a { color: var(--accent); }
code, pre { font-family: var(--mono); font-size: 13px; }
.muted { color: var(--muted); }

.top { display: flex; flex-wrap: wrap; gap: 8px 24px; justify-content: space-between; align-items: baseline;
  padding: 14px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
.brand { display: flex; gap: 12px; align-items: baseline; }
.logo { font-weight: 700; font-size: 20px; letter-spacing: -0.02em; }
.tree { color: var(--muted); }
.tree::before { content: ""; display: inline-block; width: 8px; height: 8px; margin-right: 8px;
  border-radius: 50%; background: var(--line); vertical-align: middle; }
.tree[data-status="live"]::before { background: var(--pass); }
.tree[data-status="unreachable"]::before { background: var(--fail); }
.tree strong { color: var(--ink); }

main { max-width: 980px; margin: 0 auto; padding: 24px; }
.lookup { display: flex; gap: 8px; }
.lookup input { flex: 1; min-width: 0; padding: 10px 12px; font: inherit; font-family: var(--mono); font-size: 14px;
  border: 1px solid var(--line); border-radius: 6px; background: var(--card); }
.lookup input:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
.lookup button { padding: 10px 18px; font: inherit; font-weight: 600; color: #fff; background: var(--accent);
  border: 0; border-radius: 6px; cursor: pointer; }
.hint { margin: 8px 0 20px; color: var(--muted); font-size: 13px; }

.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; margin: 0 0 16px; }
.card h2 { margin: 0 0 10px; font-size: 13px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); }
.card.error { border-color: var(--fail); background: var(--fail-bg); color: var(--fail); }
.warning { color: var(--unchecked); }

.fields { display: grid; grid-template-columns: max-content 1fr; gap: 6px 20px; margin: 0; }
.fields + .fields { margin-top: 14px; padding-top: 14px; border-top: 1px dashed var(--line); }
.fields dt { color: var(--muted); }
.fields dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.fields code { word-break: break-all; }
.hashes { margin: 0; padding-left: 1.6em; }
pre { margin: 0; padding: 12px; background: var(--paper); border: 1px solid var(--line); border-radius: 6px;
  overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }

.verdict { font-weight: 700; font-size: 17px; padding: 10px 14px; border-radius: 6px; margin-bottom: 12px; }
.verdict.pending { color: var(--muted); background: var(--paper); }
.verdict.pass { color: var(--pass); background: var(--pass-bg); }
.verdict.fail { color: var(--fail); background: var(--fail-bg); }
.verdict.unchecked { color: var(--unchecked); background: var(--unchecked-bg); }
.checks { list-style: none; margin: 0; padding: 0; }
.checks li { display: grid; grid-template-columns: 1.4em 16.5em 1fr; gap: 8px; padding: 3px 0; }
.checks .mark { font-weight: 700; text-align: center; }
.checks .pass .mark { color: var(--pass); }
.checks .fail .mark, .checks .fail strong { color: var(--fail); }
.checks .unchecked .mark { color: var(--unchecked); }
.checks .detail { color: var(--muted); overflow-wrap: anywhere; }
.matches { margin: 0; padding-left: 1.2em; }

@media (max-width: 640px) {
  .fields { grid-template-columns: 1fr; }
  .fields dd { margin-bottom: 6px; }
  .checks li { grid-template-columns: 1.4em 1fr; }
  .checks .detail { grid-column: 2; }
}
`;
