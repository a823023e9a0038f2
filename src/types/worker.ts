/**
 * A validation worker thread: canonicalizes proposed entries (schema, signature check,
 * canonical body) off the main thread. Messages: {id, proposed} in; {id, entry} or
 * {id, error: {name, message}} out.
 */
import { parentPort } from 'node:worker_threads';
import { canonicalizeProposedEntry } from './registry';

if (!parentPort) throw new Error('types/worker.js must run as a worker thread');
const port = parentPort;

port.on('message', (msg: { id: number; proposed: unknown }) => {
  canonicalizeProposedEntry(msg.proposed).then(
    (entry) => port.postMessage({ id: msg.id, entry }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: msg.id, error: { name: e.name, message: e.message } });
    },
  );
});
