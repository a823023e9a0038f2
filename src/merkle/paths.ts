/**
 * C2SP tlog-tiles resource paths (https://c2sp.org/tlog-tiles, "Merkle Tree" and "Log entries").
 */
import { assertCount } from './bits';
import { TILE_WIDTH } from './tiles';

/** C2SP: "<L> ... MUST be a decimal ASCII integer between 0 and 63". */
const MAX_LEVEL = 63;

/**
 * <N>: "zero-padded 3-digit path elements. All but the last path element MUST begin with an
 * `x`", e.g. 1234067 -> x001/x234/067. (So no path is both a file and a directory.)
 */
function encodeIndex(index: number): string {
  assertCount(index, 'tile index');
  const groups: string[] = [];
  do {
    groups.unshift(String(index % 1000).padStart(3, '0'));
    index = Math.floor(index / 1000);
  } while (index > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** "[.p/<W>]": present only for partial tiles, W in 1..255; a width of 256 (or none) is a full tile. */
function widthSuffix(width: number | undefined): string {
  if (width === undefined || width === TILE_WIDTH) return '';
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH) {
    throw new RangeError(`tile width must be an integer in 1..${TILE_WIDTH}, got ${String(width)}`);
  }
  return `.p/${width}`;
}

/** "tile/<L>/<N>[.p/<W>]", e.g. tilePath(0, 1234067, 5) = "tile/0/x001/x234/067.p/5". */
export function tilePath(level: number, index: number, width?: number): string {
  if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
    throw new RangeError(`tile level must be an integer in 0..${MAX_LEVEL}, got ${String(level)}`);
  }
  return `tile/${level}/${encodeIndex(index)}${widthSuffix(width)}`;
}

/** Entry bundle path "tile/entries/<N>[.p/<W>]" (same <N> and .p/<W> rules as level-0 tiles). */
export function entriesTilePath(index: number, width?: number): string {
  return `tile/entries/${encodeIndex(index)}${widthSuffix(width)}`;
}
