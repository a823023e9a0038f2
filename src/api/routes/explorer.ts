/**
 * GET / (the explorer page) and GET /explorer/:file (its style sheet and browser modules).
 * Only names from explorerAssets() are served, so :file can name nothing else on disk.
 */
import { Router, type Response } from 'express';
import { NotFoundError } from '../../errors';
import { explorerAssets } from '../../explorer/assets';
import { EXPLORER_CSP, explorerHtml } from '../../explorer/page';

/** Small files, changed by upgrades: revalidate every time rather than serve a stale script. */
function staticHeaders(res: Response, contentType: string): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

export function explorerRoutes(): Router {
  const assets = explorerAssets();
  const page = explorerHtml([...assets.keys()].filter((name) => name.endsWith('.mjs')));
  const r = Router();
  r.get('/', (_req, res) => {
    staticHeaders(res, 'text/html; charset=utf-8');
    res.setHeader('Content-Security-Policy', EXPLORER_CSP);
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.send(page);
  });
  r.get('/explorer/:file', (req, res) => {
    const asset = assets.get(req.params.file);
    if (!asset) throw new NotFoundError(`path ${req.path} was not found`);
    staticHeaders(res, asset.contentType);
    res.send(asset.body);
  });
  return r;
}
