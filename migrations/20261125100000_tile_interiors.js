/**
 * Stored tile interiors: for every full tile, its 254 inner node hashes (in-tile heights
 * 1..7), so an inclusion or consistency proof reads them instead of rehashing about 250
 * nodes per tile (src/merkle/interior.ts). Full tiles written before this migration are
 * filled in here, in chunks.
 */
const { sha256 } = require('@noble/hashes/sha2');

const TILE_BYTES = 256 * 32;
const CHUNK = 500;

/** Same layout as src/merkle/interior.ts tileInterior (kept here so the migration never changes). */
function tileInterior(hashes) {
  const out = Buffer.alloc(254 * 32);
  let below = hashes;
  let at = 0;
  for (let count = 128; count >= 2; count /= 2) {
    const start = at;
    for (let i = 0; i < count; i++, at += 32) {
      const node = sha256(Buffer.concat([Buffer.of(1), below.subarray(64 * i, 64 * i + 64)]));
      out.set(node, at);
    }
    below = out.subarray(start, at);
  }
  return out;
}

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.raw('ALTER TABLE tiles ADD COLUMN interior bytea');
  await knex.raw(
    "COMMENT ON COLUMN tiles.interior IS 'For a full tile: its 254 inner node hashes, in-tile heights 1..7 (128, 64, …, 2 hashes), lowest first, left to right. NULL while the tile is partial. glasslog''s own, not part of C2SP.'",
  );
  for (;;) {
    const result = await knex.raw(
      `SELECT tree_id, level, tile_index, hashes FROM tiles
        WHERE interior IS NULL AND length(hashes) = ${TILE_BYTES} LIMIT ${CHUNK}`,
    );
    const found = Array.isArray(result) ? result : result.rows;
    if (found.length === 0) break;
    for (const t of found) {
      await knex('tiles')
        .where({ tree_id: t.tree_id, level: t.level, tile_index: t.tile_index })
        .update({ interior: tileInterior(Buffer.from(t.hashes)) });
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('ALTER TABLE tiles DROP COLUMN interior');
};
