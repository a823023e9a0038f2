/**
 * A supply of distinct, pre-signed submissions shared by every phase of one database:
 * each phase tops it up *before* its clock starts, and no body is ever sent twice (a
 * repeat would be a 409 duplicate, not a new entry).
 */
import { EntryFactory } from './entries';
import type { RequestSource } from './load';

export class Supply {
  private readonly factory = new EntryFactory();
  private pool: Buffer[] = [];
  private next = 0;

  /** Makes sure at least n unused bodies are ready. */
  ensure(n: number): void {
    const have = this.pool.length - this.next;
    if (have >= n) return;
    this.pool = this.pool.slice(this.next).concat(this.factory.many(n - have));
    this.next = 0;
  }

  take(): Buffer | undefined {
    return this.next < this.pool.length ? this.pool[this.next++] : undefined;
  }

  /** POST /api/v1/log/entries with the next unused body. */
  readonly submissions: RequestSource = () => {
    const body = this.take();
    return body && { method: 'POST', path: '/api/v1/log/entries', body };
  };
}
