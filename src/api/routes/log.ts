/** GET /api/v1/log, /api/v1/log/publicKey, /api/v1/log/proof — the tree head and its proofs. */
import { Router } from 'express';
import type { Log } from '../../log/log';
import { NotFoundError } from '../../errors';
import { integerParam, treeIdParam } from '../params';
import { logInfoJson } from '../wire';

export function logRoutes(log: Log): Router {
  const r = Router();

  r.get('/api/v1/log', async (_req, res) => {
    const { tree, inactive } = await log.info();
    res.json({ ...logInfoJson(tree), inactiveShards: inactive.map(logInfoJson) });
  });

  r.get('/api/v1/log/publicKey', async (req, res) => {
    const treeId = treeIdParam(req.query);
    const tree = await log.tree(treeId);
    // Every tree of this log is signed by the one key glasslog runs with (checked at start).
    if (!tree.keyId.equals(log.signer.logId)) throw new NotFoundError(`no public key for tree ${tree.treeId}`);
    res.type('application/x-pem-file').send(log.signer.publicKeyPem);
  });

  r.get('/api/v1/log/proof', async (req, res) => {
    const firstSize = integerParam(req.query, 'firstSize', { min: 1, default: 1 })!;
    const lastSize = integerParam(req.query, 'lastSize', { min: 1, required: true })!;
    const proof = await log.consistencyProof(firstSize, lastSize, treeIdParam(req.query));
    res.json({
      hashes: proof.hashes.map((h) => Buffer.from(h).toString('hex')),
      rootHash: proof.rootHash.toString('hex'),
    });
  });

  return r;
}
