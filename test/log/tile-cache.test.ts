/** The tile cache serves a tile only when it holds as many hashes as the reader needs. */
import { TileCache } from '../../src/log/tile-cache';

const hashes = (n: number, fill = 1) => new Uint8Array(n * 32).fill(fill);
const FULL = 256 * 32;

describe('the tile cache', () => {
  it('serves a partial tile to readers needing at most its width, and not beyond', () => {
    const c = new TileCache(FULL);
    c.offer('t', { level: 0, index: 3, hashes: hashes(40) });
    expect(c.get('t', 0, 3, 40)?.hashes.length).toBe(40 * 32);
    expect(c.get('t', 0, 3, 12)?.hashes.length).toBe(40 * 32);
    expect(c.get('t', 0, 3, 41)).toBeUndefined();
  });

  it('keeps the widest version it has seen, and a full tile with its interior over one without', () => {
    const c = new TileCache(10 * FULL);
    c.offer('t', { level: 1, index: 0, hashes: hashes(200, 2) });
    c.offer('t', { level: 1, index: 0, hashes: hashes(50, 3) });
    expect(c.get('t', 1, 0, 200)?.hashes[0]).toBe(2);
    c.offer('t', { level: 1, index: 0, hashes: hashes(256, 4) });
    expect(c.get('t', 1, 0, 256)?.hashes[0]).toBe(4);
    c.offer('t', { level: 1, index: 0, hashes: hashes(256, 5), interior: hashes(254, 5) });
    expect(c.get('t', 1, 0, 256)?.interior?.[0]).toBe(5);
    c.offer('t', { level: 1, index: 0, hashes: hashes(256, 6) });
    expect(c.get('t', 1, 0, 256)?.interior?.[0]).toBe(5);
    expect(c.sizeInBytes).toBe(FULL + 254 * 32);
  });

  it('keeps trees apart and evicts the least recently used beyond its bound in bytes', () => {
    const c = new TileCache(2 * FULL);
    c.offer('a', { level: 0, index: 0, hashes: hashes(256) });
    c.offer('b', { level: 0, index: 0, hashes: hashes(256) });
    expect(c.get('a', 0, 0, 1)).toBeDefined(); // a is now the most recent
    c.offer('a', { level: 0, index: 1, hashes: hashes(256) });
    expect(c.size).toBe(2);
    expect(c.sizeInBytes).toBe(2 * FULL);
    expect(c.get('b', 0, 0, 1)).toBeUndefined();
    expect(c.get('a', 0, 0, 1)).toBeDefined();
    // One tile with its interior weighs nearly two without: it pushes out both others.
    c.offer('c', { level: 0, index: 0, hashes: hashes(256), interior: hashes(254) });
    expect(c.size).toBe(1);
    expect(c.get('c', 0, 0, 256)).toBeDefined();
  });
});
