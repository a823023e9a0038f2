/** /healthz: the process answers. /readyz: the database answers too (503 while it does not). */
import { Router } from 'express';
import type { Store } from '../../store/store';

export function healthRoutes(store: Store): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    await store.ping();
    res.json({ status: 'ready' });
  });
  return r;
}
