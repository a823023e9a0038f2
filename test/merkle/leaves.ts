import { refLeafHash } from './reference';

/** Distinct, reproducible leaf hashes: leaf data is (tag, index) as 8 big-endian bytes. */
export function makeLeaves(tag: number, from: number, count: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = from; i < from + count; i++) {
    const data = new Uint8Array(8);
    const view = new DataView(data.buffer);
    view.setUint32(0, tag >>> 0);
    view.setUint32(4, i >>> 0);
    out.push(refLeafHash(data));
  }
  return out;
}
