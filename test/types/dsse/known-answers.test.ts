/**
 * Byte-exact known answers for dsse 0.0.1 and intoto 0.0.2: Sigstore bundles whose
 * entries the public Rekor logged (test/fixtures/types/bundles, see its README). The
 * proposed entry is rebuilt as the logging client built it, canonicalized, and compared
 * byte for byte with the body Rekor stored; that body's leaf hash is tied to the log root
 * by the bundle's inclusion proof.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { verifyEntryTimestamp } from '../../../src/crypto/set';
import { canonicalizeProposedEntry } from '../../../src/types/registry';
import publicLogs from '../../fixtures/crypto/public-logs.json';
import { leafHash, rootFromInclusionProof, toPem } from '../helpers';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'bundles');

interface Bundle {
  verificationMaterial: {
    certificate?: { rawBytes: string };
    x509CertificateChain?: { certificates: { rawBytes: string }[] };
    tlogEntries: {
      logIndex: string;
      logId: { keyId: string };
      integratedTime: string;
      inclusionPromise: { signedEntryTimestamp: string };
      kindVersion: { kind: string; version: string };
      canonicalizedBody: string;
      inclusionProof?: { logIndex: string; treeSize: string; rootHash: string; hashes: string[] };
    }[];
  };
  dsseEnvelope: { payload: string; payloadType: string; signatures: { sig: string; keyid?: string }[] };
}

const bundles = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => [f, JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Bundle] as const);

function certificatePem(b: Bundle): string {
  const raw = b.verificationMaterial.certificate?.rawBytes ?? b.verificationMaterial.x509CertificateChain!.certificates[0]!.rawBytes;
  return toPem('CERTIFICATE', Buffer.from(raw, 'base64'));
}

/** The proposed entry the logging client sent, rebuilt from the bundle (and, for intoto, the stored body). */
function proposedEntry(b: Bundle, body: Record<string, any>): unknown {
  const env = b.dsseEnvelope;
  const { kind, version } = b.verificationMaterial.tlogEntries[0]!.kindVersion;
  if (kind === 'dsse') {
    return {
      kind,
      apiVersion: version,
      spec: {
        proposedContent: {
          envelope: JSON.stringify({ payload: env.payload, payloadType: env.payloadType, signatures: env.signatures }),
          verifiers: [Buffer.from(certificatePem(b)).toString('base64')],
        },
      },
    };
  }
  const stored = body.spec.content;
  return {
    kind,
    apiVersion: version,
    spec: {
      content: {
        envelope: {
          payloadType: env.payloadType,
          payload: Buffer.from(env.payload).toString('base64'),
          signatures: env.signatures.map((s, i) => ({
            ...(s.keyid ? { keyid: s.keyid } : {}),
            sig: Buffer.from(s.sig).toString('base64'),
            // Rekor keeps each public key as the client sent it; the body has those bytes.
            publicKey: stored.envelope.signatures[i].publicKey,
          })),
        },
        hash: stored.hash,
      },
    },
  };
}

describe.each(bundles)('Rekor entry from %s', (_name, bundle) => {
  const tlog = bundle.verificationMaterial.tlogEntries[0]!;
  const body = Buffer.from(tlog.canonicalizedBody, 'base64');
  const parsed = JSON.parse(body.toString('utf8')) as Record<string, any>;

  it('was signed by the public Rekor (SET over the body)', () => {
    const rekorKey = Buffer.from(publicLogs.tlogs['rekor.sigstore.dev'].publicKey.rawBytes, 'base64');
    const fields = {
      body: tlog.canonicalizedBody,
      integratedTime: Number(tlog.integratedTime),
      logID: Buffer.from(tlog.logId.keyId, 'base64').toString('hex'),
      logIndex: Number(tlog.logIndex),
    };
    expect(verifyEntryTimestamp(rekorKey, fields, Buffer.from(tlog.inclusionPromise.signedEntryTimestamp, 'base64'))).toBe(true);
  });

  // v0.1 bundles carry only the SET (checked above); the others also an inclusion proof.
  if (tlog.inclusionProof) {
    it('is the leaf its inclusion proof commits to under the log root', () => {
      const p = tlog.inclusionProof!;
      const root = rootFromInclusionProof(
        Buffer.from(leafHash(body), 'hex'),
        Number(p.logIndex),
        Number(p.treeSize),
        p.hashes.map((h) => Buffer.from(h, 'base64')),
      );
      expect(root.toString('base64')).toBe(p.rootHash);
    });
  }

  it('canonicalizes from its proposed entry to the same bytes', async () => {
    const entry = await canonicalizeProposedEntry(proposedEntry(bundle, parsed));
    expect(entry.canonicalBody.toString('utf8')).toBe(body.toString('utf8'));
    expect(leafHash(entry.canonicalBody)).toBe(leafHash(body));
  });

  it('is searchable by its payload digest and its signer', async () => {
    const entry = await canonicalizeProposedEntry(proposedEntry(bundle, parsed));
    const payloadHash = tlog.kindVersion.kind === 'dsse' ? parsed.spec.payloadHash.value : parsed.spec.content.payloadHash.value;
    expect(entry.indexKeys).toContain(`sha256:${payloadHash}`);
    const san = entry.indexKeys.filter((k) => k.includes('@') || k.startsWith('https://'));
    expect(san.length).toBeGreaterThan(0);
  });
});

it('covers both kinds', () => {
  const kinds = new Set(bundles.map(([, b]) => b.verificationMaterial.tlogEntries[0]!.kindVersion.kind));
  expect([...kinds].sort()).toEqual(['dsse', 'intoto']);
});
