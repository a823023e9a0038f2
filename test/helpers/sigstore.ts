/**
 * Shared by the sigstore-js end-to-end suites: @sigstore/sign signers holding local keys
 * (instead of Fulcio), TrustedRoots naming glasslog, verification with @sigstore/verify,
 * and small tools for tampering with bundle JSON.
 */
import crypto, { type KeyObject } from 'node:crypto';
import type { Signature, Signer } from '@sigstore/sign';
import { bundleFromJSON, type SerializedBundle } from '@sigstore/bundle';
import {
  Verifier,
  VerificationError,
  toSignedEntity,
  toTrustMaterial,
  type VerificationPolicy,
  type VerifierOptions,
} from '@sigstore/verify';
import { PublicKeyDetails, TrustedRoot, type PublicKey } from '@sigstore/protobuf-specs';
import type { TestServer } from './server';
import type { TestCa } from './ca';

export type SerializedTLogEntry = SerializedBundle['verificationMaterial']['tlogEntries'][number];

export const BUNDLE_V01_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.1';
export const SIGNER_EMAIL = 'signer@glasslog.test';
export const A_DAY_AGO = () => new Date(Date.now() - 24 * 3600_000);

// ---------------------------------------------------------------------------------------
// Signing: @sigstore/sign's building blocks with a local key instead of Fulcio.

/** A `Signer` holding a local ECDSA P-256 key: signs the artifact, hands out its key material. */
export class LocalSigner implements Signer {
  constructor(
    private readonly privateKey: KeyObject,
    private readonly key: Signature['key'],
  ) {}

  async sign(data: Buffer): Promise<Signature> {
    return { signature: crypto.sign('sha256', data, this.privateKey), key: this.key };
  }
}

export interface SigningIdentity {
  signer: Signer;
  /** The TrustedRoot @sigstore/verify needs for this identity, trusting `tlog` as the log. */
  trustedRoot(tlog: object): TrustedRoot;
  keys?: Record<string, PublicKey>;
  policy?: VerificationPolicy;
  /** PEM the tlog entry must carry (as glasslog's canonical body re-encodes it). */
  verifierPem: string;
}

export function glasslogTlog(srv: TestServer, baseUrl = srv.url) {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: srv.log.signer.publicKeyDer.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: A_DAY_AGO().toISOString() },
    },
    logId: { keyId: srv.log.signer.logId.toString('base64') },
  };
}

/** A TrustedRoot in protobuf-specs JSON form, parsed the way sigstore-js parses one. */
export function trustedRoot(tlogs: object[], certificateAuthorities: object[] = []): TrustedRoot {
  return TrustedRoot.fromJSON({
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs,
    certificateAuthorities,
    ctlogs: [],
    timestampAuthorities: [],
  });
}

export function publicKeyIdentity(): SigningIdentity {
  const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const hint = crypto.createHash('sha256').update(der).digest('hex');
  return {
    signer: new LocalSigner(privateKey, { $case: 'publicKey', publicKey: pem, hint }),
    trustedRoot: (tlog) => trustedRoot([tlog]),
    keys: {
      [hint]: {
        rawBytes: der,
        keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
        validFor: { start: A_DAY_AGO() },
      },
    },
    verifierPem: pem,
  };
}

export async function certificateIdentity(ca: TestCa): Promise<SigningIdentity> {
  const leaf = await ca.issueLeaf({ email: SIGNER_EMAIL });
  return {
    signer: new LocalSigner(leaf.privateKey, { $case: 'x509Certificate', certificate: leaf.pem }),
    trustedRoot: (tlog) =>
      trustedRoot(
        [tlog],
        [
          {
            subject: { organization: 'glasslog tests', commonName: 'glasslog test CA' },
            uri: 'https://ca.glasslog.test',
            certChain: { certificates: [{ rawBytes: ca.der.toString('base64') }] },
            validFor: { start: A_DAY_AGO().toISOString() },
          },
        ],
      ),
    policy: { subjectAlternativeName: SIGNER_EMAIL },
    verifierPem: leaf.pem,
  };
}

// ---------------------------------------------------------------------------------------
// Verifying.

export interface VerifyOptions {
  trustedRoot?: TrustedRoot;
  verifier?: VerifierOptions;
}

export function verify(id: SigningIdentity, srv: TestServer, bundleJson: SerializedBundle, artifact?: Buffer, opts: VerifyOptions = {}) {
  const bundle = bundleFromJSON(bundleJson);
  const trust = toTrustMaterial(opts.trustedRoot ?? id.trustedRoot(glasslogTlog(srv)), id.keys);
  const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 0, timestampThreshold: 1, ...opts.verifier });
  return verifier.verify(toSignedEntity(bundle, artifact), id.policy);
}

export function verificationError(fn: () => unknown): VerificationError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(VerificationError);
    return err as VerificationError;
  }
  throw new Error('verification passed, but it should have failed');
}

// ---------------------------------------------------------------------------------------
// Tampering with bundle JSON.

export function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

export function tlogEntry(b: SerializedBundle): SerializedTLogEntry {
  const e = b.verificationMaterial.tlogEntries[0];
  if (!e) throw new Error('bundle has no tlog entry');
  return e;
}

export function proofOf(b: SerializedBundle): NonNullable<SerializedTLogEntry['inclusionProof']> {
  const p = tlogEntry(b).inclusionProof;
  if (!p) throw new Error('bundle has no inclusion proof');
  return p;
}

/** Flips the low bit of byte `i` (from the end when negative) of base64 `b64`. */
export function flipBase64(b64: string, i = 0): string {
  const bytes = Buffer.from(b64, 'base64');
  const at = i < 0 ? bytes.length + i : i;
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes.toString('base64');
}

