/** The tile cache serves a tile only when it holds as many hashes as the reader needs. */
import { TileCache } from '../../src/log/tile-cache';

const hashes = (n: number, fill = 1) => new Uint8Array(n * 32).fill(fill);

describe('the tile cache', () => {
  it('serves a partial tile to readers needing at most its width, and not beyond', () => {
    const c = new TileCache(10);
    c.offer('t', { level: 0, index: 3, hashes: hashes(40) });
    expect(c.get('t', 0, 3, 40)?.length).toBe(40 * 32);
    expect(c.get('t', 0, 3, 12)?.length).toBe(40 * 32);
    expect(c.get('t', 0, 3, 41)).toBeUndefined();
  });

  it('keeps the widest version it has seen', () => {
    const c = new TileCache(10);
    c.offer('t', { level: 1, index: 0, hashes: hashes(200, 2) });
    c.offer('t', { level: 1, index: 0, hashes: hashes(50, 3) });
    expect(c.get('t', 1, 0, 200)?.[0]).toBe(2);
    c.offer('t', { level: 1, index: 0, hashes: hashes(256, 4) });
    expect(c.get('t', 1, 0, 256)?.[0]).toBe(4);
  });

  it('keeps trees apart and evicts the least recently used beyond its bound', () => {
    const c = new TileCache(2);
    c.offer('a', { level: 0, index: 0, hashes: hashes(256) });
    c.offer('b', { level: 0, index: 0, hashes: hashes(256) });
    expect(c.get('a', 0, 0, 1)).toBeDefined(); // a is now the most recent
    c.offer('a', { level: 0, index: 1, hashes: hashes(256) });
    expect(c.size).toBe(2);
    expect(c.get('b', 0, 0, 1)).toBeUndefined();
    expect(c.get('a', 0, 0, 1)).toBeDefined();
  });
});
