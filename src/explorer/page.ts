/**
 * The explorer's HTML page and the headers it is served with. The page is static: the
 * query lives in ?q= and browser/main.mjs reads it, so no entry data is ever written into
 * this markup on the server.
 */

/**
 * script-src 'self' and no inline script or style; connect-src 'self' since the page only
 * reads this log's API; require-trusted-types-for makes Chromium refuse any string
 * assignment to innerHTML and the like, which entry data must never reach.
 */
export const EXPLORER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
].join('; ');

/**
 * The page. `modules` are the browser modules' file names: each is preloaded, so the
 * browser fetches them all at once instead of discovering the import graph level by level.
 */
export function explorerHtml(modules: readonly string[]): string {
  const preloads = modules.map((name) => `<link rel="modulepreload" href="/explorer/${name}">`).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>glasslog explorer</title>
<link rel="stylesheet" href="/explorer/explorer.css">
${preloads}
<script type="module" src="/explorer/main.mjs"></script>
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo">glasslog</span><span class="muted">transparency log explorer</span></div>
  <div id="tree" class="tree" data-testid="tree" data-status="loading">tree <code id="tree-id">…</code> · size <strong id="tree-size">…</strong></div>
</header>
<main>
  <form id="lookup" class="lookup" action="/" method="get" role="search">
    <input id="q" name="q" type="search" placeholder="Entry UUID, log index, sha256:digest or email"
      aria-label="Entry UUID, log index, artifact digest or email" autocomplete="off" spellcheck="false" autofocus>
    <button type="submit">Look up</button>
  </form>
  <p class="hint">64 hex is read as an entry UUID, then as a SHA-256 artifact digest if no entry has that UUID.
    Each lookup has its own link. Proofs and signatures are checked in your browser, with the key this log
    publishes at <a href="/api/v1/log/publicKey">/api/v1/log/publicKey</a>: compare its log ID with one you trust.</p>
  <noscript><p class="card error">The explorer verifies entries with JavaScript; the API is at /api/v1.</p></noscript>
  <div id="results" aria-live="polite"></div>
</main>
</body>
</html>
`;
}
