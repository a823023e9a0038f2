/**
 * RFC 6962 / RFC 9162 Merkle tree math over C2SP tlog-tiles storage.
 * Pure functions on Uint8Array; imports nothing but @noble/hashes, so it also runs in browsers.
 */
export { HASH_SIZE, hashLeaf, hashChildren, EMPTY_ROOT } from './hash';
export { TILE_HEIGHT, TILE_WIDTH, tileWidth, edgeTileKeys } from './tiles';
export type { Tile, TileKey } from './tiles';
export { tilePath, entriesTilePath } from './paths';
export { appendLeaves } from './append';
export type { NodeCache, TileSource } from './read';
export {
  tilesForRoot,
  tilesForInclusion,
  tilesForConsistency,
  rootFromTiles,
  inclusionProof,
  consistencyProof,
} from './proof';
export { ProofError, verifyInclusion, verifyConsistency } from './verify';
export { rootFromLeafHashes } from './mth';
export { INTERIOR_HASHES, tileInterior, interiorNodeCache } from './interior';
