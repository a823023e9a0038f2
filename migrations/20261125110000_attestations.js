/**
 * Attestations: what Rekor keeps beside an intoto entry (the decoded DSSE payload, within
 * --max-attestation-size) and returns as `attestation.data` when the entry is read.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.raw('ALTER TABLE entries ADD COLUMN attestation bytea');
  await knex.raw(
    "COMMENT ON COLUMN entries.attestation IS 'The attestation Rekor keeps for this kind (intoto: the decoded DSSE payload), or NULL. Not part of the leaf.'",
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('ALTER TABLE entries DROP COLUMN attestation');
};
