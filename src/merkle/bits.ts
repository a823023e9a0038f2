/**
 * Integer helpers for tree sizes and indexes.
 *
 * Why not `>>`, `&`, `^`: JavaScript bitwise operators truncate to 32 bits, but tree sizes
 * go up to Number.MAX_SAFE_INTEGER (2^53 - 1). Division by a power of two is exact in
 * IEEE-754 for safe integers, so `Math.floor(x / 2 ** k)` is a safe right shift.
 */

/** x >> k for a non-negative safe integer x. */
export function shr(x: number, k: number): number {
  return Math.floor(x / 2 ** k);
}

/** True iff n is 2^k for some k >= 0. */
export function isPow2(n: number): boolean {
  if (n < 1) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
}

/**
 * The largest power of two strictly less than n (n >= 2): the split point `k` of
 * RFC 6962 §2.1 ("the largest power of two smaller than n").
 */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Throws RangeError unless `n` is a safe non-negative integer. */
export function assertCount(n: unknown, what: string): asserts n is number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`${what} must be a non-negative safe integer, got ${String(n)}`);
  }
}
