/**
 * The files served under /explorer/: the page's style sheet and its browser modules. The modules are plain ES modules in browser/ (type-checked against the DOM by
 * browser/tsconfig.json); the build's allowJs copies them to dist/explorer/browser/, so the
 * same path beside this file finds them under ts-jest (src/) and when built (dist/).
 */
import fs from 'node:fs';
import path from 'node:path';
import { EXPLORER_CSS } from './styles';

export const BROWSER_MODULES_DIR = path.join(__dirname, 'browser');

export interface ExplorerAsset {
  contentType: string;
  body: string;
}

let assets: ReadonlyMap<string, ExplorerAsset> | undefined;

/**
 * Every file served under /explorer/, by name, read once. Throws if the modules are
 * missing: a deployment of dist/ without them is broken, and should say so at start.
 */
export function explorerAssets(): ReadonlyMap<string, ExplorerAsset> {
  if (assets) return assets;
  let names: string[];
  try {
    names = fs.readdirSync(BROWSER_MODULES_DIR).filter((name) => name.endsWith('.mjs'));
  } catch (err) {
    throw new Error(`cannot read the explorer's browser modules in ${BROWSER_MODULES_DIR}: rebuild with npm run build`, { cause: err });
  }
  if (!names.includes('main.mjs')) throw new Error(`${BROWSER_MODULES_DIR} has no main.mjs: rebuild with npm run build`);
  const map = new Map<string, ExplorerAsset>([['explorer.css', { contentType: 'text/css; charset=utf-8', body: EXPLORER_CSS }]]);
  for (const name of names) {
    map.set(name, { contentType: 'text/javascript; charset=utf-8', body: fs.readFileSync(path.join(BROWSER_MODULES_DIR, name), 'utf8') });
  }
  assets = map;
  return map;
}
