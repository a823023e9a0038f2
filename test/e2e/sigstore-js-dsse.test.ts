/**
 * End to end for DSSE: `@sigstore/sign`'s DSSEBundleBuilder signs an in-toto statement
 * and its own Rekor client logs the envelope in glasslog — as a dsse 0.0.1 entry (its
 * default) and as an intoto 0.0.2 entry (`entryType: 'intoto'`) — and `@sigstore/verify`
 * verifies the bundle against a TrustedRoot naming glasslog, and rejects it after
 * tampering with the payload, the SET, the inclusion proof or the checkpoint.
 */
import crypto from 'node:crypto';
import { DSSEBundleBuilder, RekorWitness, type Signer } from '@sigstore/sign';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { backends, type Backend } from '../helpers/backends';
import { createTestCa, type TestCa } from '../helpers/ca';
import { startTestServer, type TestServer } from '../helpers/server';
import {
  SIGNER_EMAIL,
  certificateIdentity,
  clone,
  flipBase64,
  proofOf,
  publicKeyIdentity,
  tlogEntry,
  verificationError,
  verify,
  type SigningIdentity,
} from '../helpers/sigstore';

const IN_TOTO = 'application/vnd.in-toto+json';

function statement(): Buffer {
  const artifact = crypto.randomBytes(32);
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v1',
      subject: [{ name: 'artifact.bin', digest: { sha256: crypto.createHash('sha256').update(artifact).digest('hex') } }],
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: { buildDefinition: { buildType: 'https://glasslog.test/build' } },
    }),
  );
}

async function signAndLog(srv: TestServer, signer: Signer, entryType: 'dsse' | 'intoto', payload: Buffer): Promise<SerializedBundle> {
  const builder = new DSSEBundleBuilder({
    signer,
    witnesses: [new RekorWitness({ rekorBaseURL: srv.url, entryType, timeout: 20_000 })],
  });
  const bundle = await builder.create({ data: payload, type: IN_TOTO });
  return JSON.parse(JSON.stringify(bundleToJSON(bundle))) as SerializedBundle;
}

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('sigstore-js DSSE bundles against glasslog on %s', (_name, backend) => {
  let srv: TestServer;
  let ca: TestCa;

  beforeAll(async () => {
    srv = await startTestServer(backend, { origin: '127.0.0.1' });
    ca = await createTestCa();
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
  });

  describe.each([
    ['dsse', '0.0.1', 'a bare ECDSA P-256 key', async () => publicKeyIdentity()],
    ['dsse', '0.0.1', 'a certificate from a test CA', async () => certificateIdentity(ca)],
    ['intoto', '0.0.2', 'a certificate from a test CA', async () => certificateIdentity(ca)],
  ] as ['dsse' | 'intoto', string, string, () => Promise<SigningIdentity>][])(
    'logged as %s %s, signed with %s',
    (entryType, version, _shape, makeIdentity) => {
      let id: SigningIdentity;
      let payload: Buffer;
      let bundle: SerializedBundle;

      beforeAll(async () => {
        id = await makeIdentity();
        for (let i = 0; i < 3; i++) await signAndLog(srv, id.signer, entryType, statement());
        payload = statement();
        bundle = await signAndLog(srv, id.signer, entryType, payload);
      }, 120_000);

      it('carries one glasslog tlog entry of that kind, with a SET and an inclusion proof', () => {
        const entry = tlogEntry(bundle);
        expect(entry.kindVersion).toEqual({ kind: entryType, version });
        expect(Buffer.from(entry.logId.keyId, 'base64')).toEqual(srv.log.signer.logId);
        expect(entry.inclusionPromise?.signedEntryTimestamp).toBeTruthy();
        expect(proofOf(bundle).hashes.length).toBeGreaterThan(0);
        const body = JSON.parse(Buffer.from(entry.canonicalizedBody, 'base64').toString('utf8'));
        const payloadHash = entryType === 'dsse' ? body.spec.payloadHash.value : body.spec.content.payloadHash.value;
        expect(payloadHash).toBe(crypto.createHash('sha256').update(payload).digest('hex'));
      });

      it('verifies', () => {
        const signer = verify(id, srv, bundle);
        expect(signer.key.asymmetricKeyType).toBe('ec');
        if (id.policy) expect(signer.identity?.subjectAlternativeName).toBe(SIGNER_EMAIL);
      });

      it('is rejected when the payload changes', () => {
        const b = clone(bundle);
        b.dsseEnvelope!.payload = Buffer.from(statement()).toString('base64');
        expect(verificationError(() => verify(id, srv, b)).code).toMatch(/SIGNATURE_ERROR|TLOG_BODY_ERROR/);
      });

      it('is rejected when the SET is altered', () => {
        const b = clone(bundle);
        const promise = tlogEntry(b).inclusionPromise!;
        promise.signedEntryTimestamp = flipBase64(promise.signedEntryTimestamp, -1);
        expect(verificationError(() => verify(id, srv, b)).code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
      });

      it('is rejected when a hash of the inclusion proof is altered', () => {
        const b = clone(bundle);
        const proof = proofOf(b);
        proof.hashes[0] = flipBase64(proof.hashes[0]!, 0);
        expect(verificationError(() => verify(id, srv, b)).code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      });

      it('is rejected when the checkpoint is altered', () => {
        const b = clone(bundle);
        const proof = proofOf(b);
        proof.checkpoint.envelope = proof.checkpoint.envelope.replace(`\n${proof.treeSize}\n`, `\n${Number(proof.treeSize) + 1}\n`);
        expect(verificationError(() => verify(id, srv, b)).code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      });
    },
  );
});
