/**
 * End to end: real Sigstore clients against glasslog.
 *
 * `@sigstore/sign` signs an artifact and its own Rekor client (RekorWitness) POSTs the
 * hashedrekord entry to glasslog and folds the response into a bundle; `@sigstore/verify`
 * then verifies that bundle against a TrustedRoot naming glasslog's key and URL. Nothing
 * here reimplements Rekor's formats: if glasslog drifts from the wire contract, the
 * libraries reject its answers.
 *
 * How @sigstore/verify 3.x treats a tlog entry (dist/tlog/index.js, verifyTLogInclusion):
 * - an `inclusionPromise` present → the SET is verified (dist/tlog/set.js), code
 *   TLOG_INCLUSION_PROMISE_ERROR on failure;
 * - an `inclusionProof` present → the checkpoint's signature is verified (a signature line
 *   whose key hint is logID[:4] and whose name matches `tlog.baseUrl` as a regex), then the
 *   Merkle path is recomputed up to the *checkpoint's* root and size (dist/tlog/checkpoint.js,
 *   merkle.js), code TLOG_INCLUSION_PROOF_ERROR on failure;
 * - both present → both checked; neither → TLOG_MISSING_INCLUSION_ERROR.
 * Only an entry with a SET yields a verified timestamp, so a proof-only entry needs
 * timestampThreshold 0 (and then only a bare key can be verified: a certificate needs a
 * verified time to check its chain against).
 */
import crypto from 'node:crypto';
import { MessageSignatureBundleBuilder, RekorWitness, type Signer } from '@sigstore/sign';
import { bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import { backends, type Backend } from '../helpers/backends';
import { startTestServer, type TestServer } from '../helpers/server';
import { createTestCa, type TestCa } from '../helpers/ca';
import {
  BUNDLE_V01_MEDIA_TYPE,
  SIGNER_EMAIL,
  certificateIdentity,
  clone,
  flipBase64,
  glasslogTlog,
  proofOf,
  publicKeyIdentity,
  tlogEntry,
  verificationError,
  verify,
  type SigningIdentity,
} from '../helpers/sigstore';

/** Signs `artifact` and has glasslog witness it, through @sigstore/sign; returns the bundle JSON. */
async function signAndLog(srv: TestServer, signer: Signer, artifact: Buffer): Promise<SerializedBundle> {
  const builder = new MessageSignatureBundleBuilder({
    signer,
    witnesses: [new RekorWitness({ rekorBaseURL: srv.url, timeout: 20_000 })],
  });
  const bundle = await builder.create({ data: artifact });
  // Through JSON and back, as a bundle file would travel.
  return JSON.parse(JSON.stringify(bundleToJSON(bundle))) as SerializedBundle;
}

function flipByte(buf: Buffer, i = 0): Buffer {
  const out = Buffer.from(buf);
  out[i] = out[i]! ^ 0x01;
  return out;
}

function checkpointLines(envelope: string): { body: string[]; signatures: string[] } {
  const split = envelope.indexOf('\n\n');
  return {
    body: envelope.slice(0, split).split('\n'),
    signatures: envelope.slice(split + 2).split('\n').filter((l) => l.length > 0),
  };
}

function joinCheckpoint({ body, signatures }: { body: string[]; signatures: string[] }): string {
  return `${body.join('\n')}\n\n${signatures.map((s) => `${s}\n`).join('')}`;
}

/** A Rekor v1 LogEntry value (REKOR-WIRE §2), as served by GET /api/v1/log/entries/{uuid}. */
interface RekorLogEntry {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification: {
    signedEntryTimestamp: string;
    inclusionProof: { logIndex: number; treeSize: number; rootHash: string; hashes: string[]; checkpoint: string };
  };
}

function leafHash(body: Buffer): string {
  return crypto.createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');
}

/** Rekor's 80-hex entry UUID: the tree ID as 16 hex digits, then the leaf hash. */
function fullUuid(treeId: string, leaf: string): string {
  return BigInt(treeId).toString(16).padStart(16, '0') + leaf;
}

// ---------------------------------------------------------------------------------------

describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('sigstore-js against glasslog on %s', (_name, backend) => {
  let srv: TestServer;
  let ca: TestCa;

  beforeAll(async () => {
    srv = await startTestServer(backend, { origin: '127.0.0.1' });
    ca = await createTestCa();
  }, 120_000);

  afterAll(async () => {
    await srv?.stop();
  });

  // The third column: can @sigstore/verify check this signer without the SET's timestamp?
  describe.each([
    ['a bare ECDSA P-256 public key', async () => publicKeyIdentity(), true],
    ['a certificate from a test CA (the keyless shape)', async () => certificateIdentity(ca), false],
  ] as [string, () => Promise<SigningIdentity>, boolean][])('signing with %s', (_shape, makeIdentity, verifiableWithoutSet) => {
    let id: SigningIdentity;
    let artifact: Buffer;
    let bundle: SerializedBundle;

    beforeAll(async () => {
      id = await makeIdentity();
      // Log a few other artifacts first, so the entry under test has a non-trivial
      // inclusion proof (a tree of one leaf has a proof of no hashes).
      for (let i = 0; i < 3; i++) {
        await signAndLog(srv, id.signer, crypto.randomBytes(64));
      }
      artifact = Buffer.from(`glasslog end-to-end artifact ${crypto.randomUUID()}\n`);
      bundle = await signAndLog(srv, id.signer, artifact);
    }, 120_000);

    it('puts one hashedrekord tlog entry from glasslog, with a SET and an inclusion proof, into the bundle', () => {
      expect(bundle.verificationMaterial.tlogEntries).toHaveLength(1);
      const entry = tlogEntry(bundle);
      expect(entry.kindVersion).toEqual({ kind: 'hashedrekord', version: '0.0.1' });
      expect(Buffer.from(entry.logId.keyId, 'base64')).toEqual(srv.log.signer.logId);
      expect(Number(entry.logIndex)).toBeGreaterThanOrEqual(3);
      expect(Math.abs(Number(entry.integratedTime) - Date.now() / 1000)).toBeLessThan(120);
      expect(entry.inclusionPromise?.signedEntryTimestamp).toBeTruthy();
      expect(proofOf(bundle).hashes.length).toBeGreaterThan(0);
    });

    it('gets a canonical body that records the digest, the signature and the signer as glasslog re-encoded it', () => {
      const body = JSON.parse(Buffer.from(tlogEntry(bundle).canonicalizedBody, 'base64').toString('utf8'));
      const digest = crypto.createHash('sha256').update(artifact).digest('hex');
      expect(body).toEqual({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest } },
          signature: {
            content: bundle.messageSignature!.signature,
            publicKey: { content: Buffer.from(id.verifierPem).toString('base64') },
          },
        },
      });
    });

    it('gets an inclusion proof whose root and size are those of the signed checkpoint', () => {
      // sigstore-js checks the Merkle path against the checkpoint only, so check here that
      // glasslog's proof fields agree with the checkpoint it signed.
      const proof = proofOf(bundle);
      const { body, signatures } = checkpointLines(proof.checkpoint.envelope);
      expect(body).toEqual([`127.0.0.1 - ${srv.log.treeId}`, proof.treeSize, proof.rootHash]);
      expect(signatures).toHaveLength(1);
      const [, name, sig] = /^\u2014 (\S+) (\S+)$/.exec(signatures[0]!)!;
      expect(name).toBe('127.0.0.1');
      expect(Buffer.from(sig!, 'base64').subarray(0, 4)).toEqual(srv.log.signer.logId.subarray(0, 4));
      expect(BigInt(proof.logIndex)).toBeLessThan(BigInt(proof.treeSize));
    });

    it('verifies with the SET and the inclusion proof both present', () => {
      const signer = verify(id, srv, bundle, artifact);
      expect(signer.key.asymmetricKeyType).toBe('ec');
      if (id.policy) expect(signer.identity?.subjectAlternativeName).toBe(SIGNER_EMAIL);
    });

    it('verifies from the SET alone, as a v0.1 bundle without an inclusion proof', () => {
      const b = clone(bundle);
      b.mediaType = BUNDLE_V01_MEDIA_TYPE;
      tlogEntry(b).inclusionProof = undefined;
      expect(() => verify(id, srv, b, artifact)).not.toThrow();
    });

    if (verifiableWithoutSet) {
      it('verifies from the inclusion proof and checkpoint alone, without a SET', () => {
        const b = clone(bundle);
        tlogEntry(b).inclusionPromise = undefined;
        expect(() => verify(id, srv, b, artifact, { verifier: { timestampThreshold: 0 } })).not.toThrow();
      });
    } else {
      it('needs the SET, since without its timestamp there is no time to check the certificate chain at', () => {
        const b = clone(bundle);
        tlogEntry(b).inclusionPromise = undefined;
        expect(verificationError(() => verify(id, srv, b, artifact)).code).toBe('TIMESTAMP_ERROR');
      });
    }

    it('rejects the bundle when one byte of the artifact changes', () => {
      const err = verificationError(() => verify(id, srv, bundle, flipByte(artifact, 7)));
      expect(err.code).toBe('SIGNATURE_ERROR');
    });

    it('rejects the bundle when the signed entry timestamp is altered', () => {
      const b = clone(bundle);
      const promise = tlogEntry(b).inclusionPromise!;
      promise.signedEntryTimestamp = flipBase64(promise.signedEntryTimestamp, -1);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    });

    it('rejects the bundle when the entry claims another log index, which the SET covers', () => {
      const b = clone(bundle);
      tlogEntry(b).logIndex = String(Number(tlogEntry(b).logIndex) + 1);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    });

    it('rejects the bundle when the entry claims another integrated time, which the SET covers', () => {
      const b = clone(bundle);
      tlogEntry(b).integratedTime = String(Number(tlogEntry(b).integratedTime) - 1);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    });

    it('rejects the bundle when one byte of the canonicalized body changes', () => {
      const b = clone(bundle);
      const e = tlogEntry(b);
      const body = Buffer.from(e.canonicalizedBody, 'base64');
      // Inside the base64 signature, so the body is still JSON of the same shape.
      e.canonicalizedBody = flipByte(body, body.indexOf('"content":"') + 12).toString('base64');
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    });

    it('rejects the bundle when a hash of the inclusion proof is altered', () => {
      const b = clone(bundle);
      const proof = proofOf(b);
      expect(proof.hashes.length).toBeGreaterThan(0);
      proof.hashes[0] = flipBase64(proof.hashes[0]!, 0);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      expect(err.message).toMatch(/calculated root hash does not match/);
    });

    it('rejects the bundle when the inclusion proof names another leaf index', () => {
      const b = clone(bundle);
      const proof = proofOf(b);
      proof.logIndex = String(BigInt(proof.logIndex) - 1n);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROOF_ERROR');
    });

    it('rejects the bundle when the checkpoint root hash is altered', () => {
      const b = clone(bundle);
      const proof = proofOf(b);
      const cp = checkpointLines(proof.checkpoint.envelope);
      cp.body[2] = flipBase64(cp.body[2]!, 0);
      proof.checkpoint.envelope = joinCheckpoint(cp);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      expect(err.message).toMatch(/invalid checkpoint signature/);
    });

    it('rejects the bundle when the checkpoint signature is altered', () => {
      const b = clone(bundle);
      const proof = proofOf(b);
      const cp = checkpointLines(proof.checkpoint.envelope);
      const [, name, sig] = /^\u2014 (\S+) (\S+)$/.exec(cp.signatures[0]!)!;
      cp.signatures[0] = `\u2014 ${name} ${flipBase64(sig!, -1)}`;
      proof.checkpoint.envelope = joinCheckpoint(cp);
      const err = verificationError(() => verify(id, srv, b, artifact));
      expect(err.code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      expect(err.message).toMatch(/invalid checkpoint signature/);
    });

    it('rejects the checkpoint when the trusted root expects the log at another host', () => {
      const root = id.trustedRoot(glasslogTlog(srv, 'https://rekor.example.com'));
      const err = verificationError(() => verify(id, srv, bundle, artifact, { trustedRoot: root }));
      expect(err.code).toBe('TLOG_INCLUSION_PROOF_ERROR');
      expect(err.message).toMatch(/invalid checkpoint signature/);
    });

    it('rejects the bundle when the trusted root holds another key for the log', () => {
      const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
      const tlog = glasslogTlog(srv);
      tlog.publicKey.rawBytes = other.toString('base64');
      const root = id.trustedRoot(tlog);
      const err = verificationError(() => verify(id, srv, bundle, artifact, { trustedRoot: root }));
      expect(err.code).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    });

    it('serves the same entry back by UUID, with the body the bundle holds and a SET and proof that verify', async () => {
      const entry = tlogEntry(bundle);
      const body = Buffer.from(entry.canonicalizedBody, 'base64');
      const leaf = leafHash(body);
      const uuid = fullUuid(srv.log.treeId, leaf);
      for (const asked of [uuid, leaf]) {
        const res = await fetch(`${srv.url}/api/v1/log/entries/${asked}`, { headers: { Accept: 'application/json' } });
        expect(res.status).toBe(200);
        const json = (await res.json()) as Record<string, RekorLogEntry>;
        expect(Object.keys(json)).toEqual([uuid]);
        const got = json[uuid]!;
        expect(got.body).toBe(entry.canonicalizedBody);
        expect(Buffer.from(got.body, 'base64')).toEqual(body);
        expect(String(got.logIndex)).toBe(entry.logIndex);
        expect(String(got.integratedTime)).toBe(entry.integratedTime);
        expect(got.logID).toBe(Buffer.from(entry.logId.keyId, 'base64').toString('hex'));
        expect(String(got.verification.inclusionProof.logIndex)).toBe(proofOf(bundle).logIndex);
        // An ECDSA SET is randomized and the proof may be for a larger tree now, so rather
        // than compare bytes, put the served SET and proof into the bundle and verify it.
        const b = clone(bundle);
        const e = tlogEntry(b);
        e.inclusionPromise = { signedEntryTimestamp: got.verification.signedEntryTimestamp };
        const p = got.verification.inclusionProof;
        e.inclusionProof = {
          logIndex: String(p.logIndex),
          treeSize: String(p.treeSize),
          rootHash: Buffer.from(p.rootHash, 'hex').toString('base64'),
          hashes: p.hashes.map((h) => Buffer.from(h, 'hex').toString('base64')),
          checkpoint: { envelope: p.checkpoint },
        };
        expect(() => verify(id, srv, b, artifact)).not.toThrow();
      }
    });
  });
});
