/**
 * Appending leaves to a tiled tree (the sequencer's side of C2SP tlog-tiles).
 *
 * Only the right edge of the tree changes on append: new hashes go into the partial tile
 * at each level (or start a new tile), and when a level-L tile fills up (256 hashes) the
 * root of that tile — the complete subtree of height 8(L+1) — becomes the next hash of
 * level L+1 (C2SP: "each hash in a tile is the Merkle Tree Hash of a *full* tile at the
 * level below"; partial tiles "MUST NOT be hashed into a tile at the level above").
 */
import { assertCount } from './bits';
import { assertHash, HASH_SIZE } from './hash';
import { hashPerfect, splitHashes } from './mth';
import { rootFromTiles } from './proof';
import { hashesAtLevel, TILE_WIDTH, type Tile } from './tiles';

const TILE_BYTES = TILE_WIDTH * HASH_SIZE;

/** The tile currently being filled at one level. */
interface Frontier {
  index: number;
  width: number;
  buf: Uint8Array; // TILE_BYTES long; hashes [0, width) are valid
  changed: boolean;
}

/**
 * Append leaf hashes to a tree of size treeSize. `edge` holds the current content of the
 * tiles named by edgeTileKeys(treeSize); a tile may hold MORE hashes than its width at
 * treeSize (e.g. left by an append that was never committed) — only the first `width`
 * hashes are used, the excess is overwritten. Returns every tile whose content changed or
 * was created, with its complete content, ordered by level then index; the new size; and
 * the new root.
 */
export function appendLeaves(
  treeSize: number,
  edge: Tile[],
  leafHashes: Uint8Array[],
): { tiles: Tile[]; treeSize: number; rootHash: Uint8Array } {
  assertCount(treeSize, 'treeSize');
  leafHashes.forEach((h, i) => assertHash(h, `leafHashes[${i}]`));
  const newSize = treeSize + leafHashes.length;
  assertCount(newSize, 'new tree size');

  const levels: Frontier[] = [];
  const out: Tile[] = [];

  const frontier = (level: number): Frontier => {
    while (levels.length <= level) {
      const at = levels.length;
      const stored = hashesAtLevel(treeSize, at);
      const f: Frontier = {
        index: Math.floor(stored / TILE_WIDTH),
        width: stored % TILE_WIDTH,
        buf: new Uint8Array(TILE_BYTES),
        changed: false,
      };
      if (f.width > 0) f.buf.set(edgeContent(edge, at, f.index, f.width));
      levels.push(f);
    }
    return levels[level];
  };

  const push = (level: number, hash: Uint8Array): void => {
    const f = frontier(level);
    f.buf.set(hash, f.width * HASH_SIZE);
    f.width++;
    f.changed = true;
    if (f.width === TILE_WIDTH) {
      out.push({ level, index: f.index, hashes: f.buf });
      const tileRoot = hashPerfect(splitHashes(f.buf, 0, TILE_WIDTH));
      f.index++;
      f.width = 0;
      f.buf = new Uint8Array(TILE_BYTES);
      f.changed = false;
      push(level + 1, tileRoot);
    }
  };

  // Load every partial tile up front: they are needed for the root even if nothing is
  // appended, and a missing one should fail before any work is done.
  for (let level = 0; hashesAtLevel(treeSize, level) > 0; level++) frontier(level);

  for (const leaf of leafHashes) push(0, leaf);

  levels.forEach((f, level) => {
    if (f.changed && f.width > 0) {
      out.push({ level, index: f.index, hashes: f.buf.slice(0, f.width * HASH_SIZE) });
    }
  });
  out.sort((a, b) => a.level - b.level || a.index - b.index);

  // The frontiers are now exactly the partial tiles of the new tree, which is all
  // rootFromTiles reads (see tilesForRoot).
  const rootHash = rootFromTiles(newSize, (level, index) => {
    const f = levels[level];
    if (f === undefined || f.index !== index) {
      throw new Error(`appendLeaves: internal error, tile ${level}/${index} is not on the edge`);
    }
    return f.buf.subarray(0, f.width * HASH_SIZE);
  });

  return { tiles: out, treeSize: newSize, rootHash };
}

/** First `width` hashes of edge tile (level, index), copied; throws if absent or too short. */
function edgeContent(edge: Tile[], level: number, index: number, width: number): Uint8Array {
  const tile = edge.find((t) => t.level === level && t.index === index);
  if (tile === undefined) {
    throw new Error(`appendLeaves: edge tile ${level}/${index} (width ${width}) was not provided`);
  }
  if (!(tile.hashes instanceof Uint8Array) || tile.hashes.length < width * HASH_SIZE) {
    const got = tile.hashes instanceof Uint8Array ? `${tile.hashes.length} bytes` : typeof tile.hashes;
    throw new Error(`appendLeaves: edge tile ${level}/${index} must hold at least ${width} hashes, got ${got}`);
  }
  return tile.hashes.slice(0, width * HASH_SIZE);
}
