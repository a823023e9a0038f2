/**
 * Entry validation on worker threads. Checking a signature and re-encoding keys is the
 * largest per-entry CPU cost of the log and needs nothing but the entry itself, so it
 * runs on a pool of threads while the main thread keeps to HTTP, sequencing and the
 * database. With no workers (or where the compiled worker is absent, as under ts-jest)
 * it validates in-thread: same function, same errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidEntryError, SignatureVerificationError, UnprocessableError } from '../errors';
import { createEntryTypeRegistry, type CanonicalEntry, type EntryTypeOptions } from './registry';

const WORKER_FILE = path.join(__dirname, 'worker.js');

/** Errors a worker may report, rebuilt as the same classes on this side. */
const KNOWN_ERRORS: Record<string, new (message: string) => Error> = {
  InvalidEntryError,
  SignatureVerificationError,
  UnprocessableError,
};

interface Pending {
  resolve(entry: CanonicalEntry): void;
  reject(err: Error): void;
}

interface Slot {
  worker: Worker;
  pending: Map<number, Pending>;
}

export interface Validator {
  canonicalize(proposed: unknown): Promise<CanonicalEntry>;
  close(): Promise<void>;
  readonly threads: number;
}

/** Buffers arrive as plain Uint8Arrays after the structured clone. */
const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

export function createValidator(threads: number, options: EntryTypeOptions = {}): Validator {
  const registry = createEntryTypeRegistry(options);
  const inThread = (proposed: unknown) => registry.canonicalizeProposedEntry(proposed);
  if (threads <= 0 || !fs.existsSync(WORKER_FILE)) {
    return { canonicalize: inThread, close: async () => {}, threads: 0 };
  }
  return new ValidatorPool(threads, options, inThread);
}

class ValidatorPool implements Validator {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private closing = false;

  constructor(
    readonly threads: number,
    private readonly options: EntryTypeOptions,
    private readonly inThread: (proposed: unknown) => Promise<CanonicalEntry>,
  ) {
    for (let i = 0; i < threads; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const slot: Slot = { worker: new Worker(WORKER_FILE, { workerData: this.options }), pending: new Map() };
    slot.worker.on('message', (msg: { id: number; entry?: CanonicalEntry; error?: { name: string; message: string } }) => {
      const p = slot.pending.get(msg.id);
      if (!p) return;
      slot.pending.delete(msg.id);
      if (msg.entry) {
        const e = msg.entry;
        p.resolve({
          ...e,
          canonicalBody: asBuffer(e.canonicalBody),
          ...(e.attestation ? { attestation: asBuffer(e.attestation) } : {}),
        });
      } else {
        const Known = KNOWN_ERRORS[msg.error?.name ?? ''];
        p.reject(Known ? new Known(msg.error!.message) : new Error(`validation worker failed: ${msg.error?.message}`));
      }
    });
    // A worker that dies takes its pending entries with it (answered 500, nothing stored)
    // and is replaced, so one poisoned input cannot take validation down.
    slot.worker.on('exit', (code) => {
      for (const p of slot.pending.values()) p.reject(new Error(`validation worker exited with code ${code}`));
      slot.pending.clear();
      if (this.closing) return;
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = this.spawn();
    });
    return slot;
  }

  canonicalize(proposed: unknown): Promise<CanonicalEntry> {
    // The least busy worker: pending counts even out slow and fast entries.
    let slot = this.slots[0];
    for (const s of this.slots) if (s.pending.size < slot.pending.size) slot = s;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      try {
        slot.worker.postMessage({ id, proposed });
      } catch {
        // A value the structured clone refuses (none that JSON.parse makes, but be sure):
        // validate it here instead.
        this.inThread(proposed).then(resolve, reject);
        return;
      }
      slot.pending.set(id, { resolve, reject });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}
