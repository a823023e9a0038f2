/**
 * glasslog's core schema. Every table and column is commented here and in the database
 * (COMMENT ON), in the manner of Tessera's schema.sql. Migrations are plain CommonJS so the
 * same files run from the sources (tests) and from the build (`glasslog migrate`).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  // One statement per call: PGlite's driver runs each query as a prepared statement.
  const statements = `
    CREATE TABLE trees (
      tree_id       bigint PRIMARY KEY,
      origin        text    NOT NULL,
      state         text    NOT NULL CHECK (state IN ('active', 'frozen')),
      key_id        bytea   NOT NULL,
      shard_offset  bigint  NOT NULL DEFAULT 0,
      tree_size     bigint  NOT NULL DEFAULT 0,
      root_hash     bytea   NOT NULL,
      checkpoint    text,
      created_at    timestamptz NOT NULL DEFAULT now()
    );
    COMMENT ON TABLE trees IS 'One row per log shard. The sequencer locks the active row FOR UPDATE: that lock is the only coordination between glasslog processes.';
    COMMENT ON COLUMN trees.tree_id IS 'Random positive int64 naming the shard; the first 16 hex digits of every entry UUID.';
    COMMENT ON COLUMN trees.origin IS 'Checkpoint origin line, Rekor v1 style: "<hostname> - <tree_id>".';
    COMMENT ON COLUMN trees.state IS 'active: accepts entries (at most one row); frozen: read-only, listed as an inactive shard.';
    COMMENT ON COLUMN trees.key_id IS 'Log ID of the signing key: SHA-256 of its PKIX DER public key.';
    COMMENT ON COLUMN trees.shard_offset IS 'Global log index of this shard''s first entry (sum of the sizes of earlier shards).';
    COMMENT ON COLUMN trees.tree_size IS 'Size of the latest signed tree head; only the sequencer, holding the row lock, moves it.';
    COMMENT ON COLUMN trees.root_hash IS 'RFC 6962 root hash at tree_size (SHA-256 of the empty string for an empty tree).';
    COMMENT ON COLUMN trees.checkpoint IS 'The signed note (checkpoint) for tree_size, as served in LogInfo.signedTreeHead.';
    CREATE UNIQUE INDEX trees_one_active ON trees ((true)) WHERE state = 'active';

    CREATE TABLE entries (
      tree_id         bigint  NOT NULL REFERENCES trees (tree_id),
      log_index       bigint  NOT NULL,
      leaf_hash       bytea   NOT NULL,
      kind            text    NOT NULL,
      api_version     text    NOT NULL,
      body            bytea   NOT NULL,
      integrated_time bigint  NOT NULL,
      signed_entry_timestamp bytea NOT NULL,
      PRIMARY KEY (tree_id, log_index),
      UNIQUE (leaf_hash, tree_id)
    );
    COMMENT ON TABLE entries IS 'Every sequenced entry. Written once, in the batch transaction that assigns its index; never updated.';
    COMMENT ON COLUMN entries.log_index IS 'Index inside the shard''s tree (the global index adds trees.shard_offset).';
    COMMENT ON COLUMN entries.leaf_hash IS 'SHA-256(0x00 || body): the entry''s 64-hex UUID; unique per tree, which is how duplicates are found; leaf_hash leads the unique index so a lookup by UUID alone uses it.';
    COMMENT ON COLUMN entries.kind IS 'Entry kind, e.g. hashedrekord.';
    COMMENT ON COLUMN entries.api_version IS 'Entry kind version, e.g. 0.0.1.';
    COMMENT ON COLUMN entries.body IS 'The canonical body: exactly the leaf bytes, served base64 as LogEntry.body.';
    COMMENT ON COLUMN entries.integrated_time IS 'Unix seconds at which the batch holding this entry was sequenced.';
    COMMENT ON COLUMN entries.signed_entry_timestamp IS 'SET: log signature over canonical JSON {body, integratedTime, logID, logIndex}.';

    CREATE TABLE tiles (
      tree_id     bigint   NOT NULL REFERENCES trees (tree_id),
      level       smallint NOT NULL,
      tile_index  bigint   NOT NULL,
      hashes      bytea    NOT NULL,
      PRIMARY KEY (tree_id, level, tile_index)
    );
    COMMENT ON TABLE tiles IS 'The Merkle tree in the C2SP tlog-tiles layout. A partial tile is rewritten as it grows; a full tile (256 hashes) never changes.';
    COMMENT ON COLUMN tiles.level IS 'Tile level L: its hashes are roots of subtrees of 256^L leaves.';
    COMMENT ON COLUMN tiles.tile_index IS 'Tile index N within its level.';
    COMMENT ON COLUMN tiles.hashes IS 'Up to 256 concatenated 32-byte hashes; may run ahead of an older tree size, never behind.';

    CREATE TABLE checkpoints (
      tree_id     bigint NOT NULL REFERENCES trees (tree_id),
      tree_size   bigint NOT NULL,
      root_hash   bytea  NOT NULL,
      note        text   NOT NULL,
      created_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (tree_id, tree_size)
    );
    COMMENT ON TABLE checkpoints IS 'Every signed tree head ever issued, so auditors can ask about any earlier size.';
    COMMENT ON COLUMN checkpoints.note IS 'The checkpoint as a signed note (origin, size, base64 root, signature lines).';

    CREATE TABLE search_index (
      key        text   NOT NULL,
      tree_id    bigint NOT NULL,
      log_index  bigint NOT NULL,
      PRIMARY KEY (key, tree_id, log_index),
      FOREIGN KEY (tree_id, log_index) REFERENCES entries (tree_id, log_index)
    );
    COMMENT ON TABLE search_index IS 'Lookup keys for /api/v1/index/retrieve: artifact digest "<alg>:<hex>", public key SHA-256 hex, certificate emails and URIs; lowercased.';
  `.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
  for (const statement of statements) await knex.raw(statement);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP TABLE search_index, checkpoints, tiles, entries, trees');
};
