/**
 * A validation worker thread: canonicalizes proposed entries (schema, signature check,
 * canonical body) off the main thread, with the options the pool was made with (workerData). Messages: {id, proposed} in; {id, entry} or
 * {id, error: {name, message}} out.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createEntryTypeRegistry, type EntryTypeOptions } from './registry';

if (!parentPort) throw new Error('types/worker.js must run as a worker thread');
const port = parentPort;
const registry = createEntryTypeRegistry((workerData ?? {}) as EntryTypeOptions);

port.on('message', (msg: { id: number; proposed: unknown }) => {
  registry.canonicalizeProposedEntry(msg.proposed).then(
    (entry) => port.postMessage({ id: msg.id, entry }),
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      port.postMessage({ id: msg.id, error: { name: e.name, message: e.message } });
    },
  );
});
