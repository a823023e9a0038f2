import {
  TILE_HEIGHT,
  TILE_WIDTH,
  edgeTileKeys,
  entriesTilePath,
  tilePath,
  tileWidth,
  tilesForRoot,
} from '../../src/merkle';

describe('C2SP tlog-tiles paths', () => {
  it('encodes the tile index in x-prefixed 3-digit groups', () => {
    expect(tilePath(0, 1234067)).toBe('tile/0/x001/x234/067');
    expect(tilePath(0, 0)).toBe('tile/0/000');
    expect(tilePath(1, 999)).toBe('tile/1/999');
    expect(tilePath(2, 1000)).toBe('tile/2/x001/000');
    expect(tilePath(3, 1000000)).toBe('tile/3/x001/x000/000');
    expect(tilePath(0, Number.MAX_SAFE_INTEGER)).toBe('tile/0/x009/x007/x199/x254/x740/991');
  });

  it('adds .p/<W> only for partial tiles of width 1..255', () => {
    expect(tilePath(0, 1234067, 5)).toBe('tile/0/x001/x234/067.p/5');
    expect(tilePath(1, 17, 1)).toBe('tile/1/017.p/1');
    expect(tilePath(0, 3, 255)).toBe('tile/0/003.p/255');
    expect(tilePath(0, 3, 256)).toBe('tile/0/003');
  });

  it('names entry bundles tile/entries/<N>[.p/<W>]', () => {
    expect(entriesTilePath(1234067)).toBe('tile/entries/x001/x234/067');
    expect(entriesTilePath(273, 112)).toBe('tile/entries/273.p/112');
    expect(entriesTilePath(0, 256)).toBe('tile/entries/000');
  });

  it('rejects widths, levels and indexes the spec does not allow', () => {
    expect(() => tilePath(0, 0, 0)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 257)).toThrow(RangeError);
    expect(() => tilePath(0, 0, 1.5)).toThrow(RangeError);
    expect(() => tilePath(64, 0)).toThrow(RangeError);
    expect(() => tilePath(-1, 0)).toThrow(RangeError);
    expect(() => tilePath(0, -1)).toThrow(RangeError);
    expect(() => tilePath(0, 2 ** 53)).toThrow(RangeError);
    expect(() => entriesTilePath(0, 0)).toThrow(RangeError);
  });
});

describe('tile geometry', () => {
  it('uses 256-hash tiles spanning 8 tree levels', () => {
    expect(TILE_HEIGHT).toBe(8);
    expect(TILE_WIDTH).toBe(2 ** TILE_HEIGHT);
  });

  it('matches the C2SP example of a tree of size 70,000', () => {
    // "273 full level 0 tiles, one partial level 0 tile of width 112, one full level 1
    // tile, one partial level 1 tile of width 17, and one partial level 2 tile of width 1."
    expect(tileWidth(70000, 0, 0)).toBe(256);
    expect(tileWidth(70000, 0, 272)).toBe(256);
    expect(tileWidth(70000, 0, 273)).toBe(112);
    expect(tileWidth(70000, 0, 274)).toBe(0);
    expect(tileWidth(70000, 1, 0)).toBe(256);
    expect(tileWidth(70000, 1, 1)).toBe(17);
    expect(tileWidth(70000, 2, 0)).toBe(1);
    expect(tileWidth(70000, 3, 0)).toBe(0);
    expect(edgeTileKeys(70000)).toEqual([
      { level: 0, index: 273 },
      { level: 1, index: 1 },
      { level: 2, index: 0 },
    ]);
  });

  it('matches the C2SP example of a tree of size 256', () => {
    // "a full level 0 tile and a partial level 1 tile of width 1"
    expect(tileWidth(256, 0, 0)).toBe(256);
    expect(tileWidth(256, 1, 0)).toBe(1);
    expect(edgeTileKeys(256)).toEqual([{ level: 1, index: 0 }]);
  });

  it('has no tiles at all for the empty tree', () => {
    expect(edgeTileKeys(0)).toEqual([]);
    expect(tileWidth(0, 0, 0)).toBe(0);
    expect(tilesForRoot(0)).toEqual([]);
  });

  it('lists one partial tile per level whose width is not a multiple of 256', () => {
    expect(edgeTileKeys(1)).toEqual([{ level: 0, index: 0 }]);
    expect(edgeTileKeys(255)).toEqual([{ level: 0, index: 0 }]);
    expect(edgeTileKeys(257)).toEqual([{ level: 0, index: 1 }, { level: 1, index: 0 }]);
    expect(edgeTileKeys(65536)).toEqual([{ level: 2, index: 0 }]);
    expect(edgeTileKeys(2 ** 53 - 1).length).toBe(7);
  });

  it('reads exactly the right-edge tiles to compute a root', () => {
    for (const n of [1, 2, 255, 256, 257, 511, 512, 65535, 65536, 70000, 2 ** 40 + 3, 2 ** 53 - 1]) {
      expect(tilesForRoot(n)).toEqual(edgeTileKeys(n));
    }
  });

  it('rejects tree sizes that are not safe non-negative integers', () => {
    expect(() => tileWidth(2 ** 53, 0, 0)).toThrow(RangeError);
    expect(() => edgeTileKeys(-1)).toThrow(RangeError);
    expect(() => edgeTileKeys(1.5)).toThrow(RangeError);
  });
});
