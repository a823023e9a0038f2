/** Real, correctly signed hashedrekord entries made with node:crypto, for API tests. */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export interface HashedRekordFixture {
  proposed: { kind: 'hashedrekord'; apiVersion: '0.0.1'; spec: Record<string, unknown> };
  artifact: Buffer;
  digestHex: string;
  publicKeyPem: string;
  privateKey: KeyObject;
}

export function newEcdsaKey(): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A hashedrekord entry over a random artifact, signed by `key` (a fresh P-256 key by default). */
export function hashedRekord(
  key = newEcdsaKey(),
  artifact: Buffer = randomBytes(32),
  verifierPem: string = key.publicKeyPem,
): HashedRekordFixture {
  const digestHex = createHash('sha256').update(artifact).digest('hex');
  const signature = sign('sha256', artifact, key.privateKey);
  return {
    proposed: {
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digestHex } },
        signature: {
          content: signature.toString('base64'),
          publicKey: { content: Buffer.from(verifierPem).toString('base64') },
        },
      },
    },
    artifact,
    digestHex,
    publicKeyPem: key.publicKeyPem,
    privateKey: key.privateKey,
  };
}

export type TestKeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'ed25519' | 'rsa-2048';

export function newKey(type: TestKeyType): { privateKey: KeyObject; publicKeyPem: string } {
  const pair =
    type === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : type === 'rsa-2048'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ec', { namedCurve: type === 'ecdsa-p256' ? 'P-256' : 'P-384' });
  return { privateKey: pair.privateKey, publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

export const IN_TOTO = 'application/vnd.in-toto+json';

export interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { keyid?: string; sig: string }[];
}

/** DSSE PAE: "DSSEv1 <len type> <type> <len body> <body>". */
export function pae(payloadType: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${body.length} `), body]);
}

/** A DSSE envelope over `payload`, one signature per signer (SHA-256 for ECDSA and RSA, pure Ed25519). */
export function signEnvelope(
  payload: Buffer,
  signers: { privateKey: KeyObject; keyid?: string }[],
  payloadType = IN_TOTO,
): Envelope {
  const message = pae(payloadType, payload);
  return {
    payload: payload.toString('base64'),
    payloadType,
    signatures: signers.map((s) => ({
      ...(s.keyid !== undefined ? { keyid: s.keyid } : {}),
      sig: sign(s.privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', message, s.privateKey).toString('base64'),
    })),
  };
}

/** An in-toto statement naming subjects by SHA-256 digest. */
export function inTotoStatement(subjects: Buffer[] = [randomBytes(16)], materials: string[] = []): Buffer {
  return Buffer.from(
    JSON.stringify({
      _type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      subject: subjects.map((s, i) => ({ name: `artifact-${i}`, digest: { sha256: createHash('sha256').update(s).digest('hex') } })),
      predicate: { materials: materials.map((uri) => ({ uri, digest: { sha1: createHash('sha1').update(uri).digest('hex') } })) },
    }),
  );
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');

export function dsseEntry(envelope: Envelope | string, verifierPems: string[]) {
  return {
    kind: 'dsse',
    apiVersion: '0.0.1',
    spec: {
      proposedContent: {
        envelope: typeof envelope === 'string' ? envelope : JSON.stringify(envelope),
        verifiers: verifierPems.map(b64),
      },
    },
  };
}

export function intotoV001Entry(envelope: Envelope | string, publicKeyPem: string) {
  return {
    kind: 'intoto',
    apiVersion: '0.0.1',
    spec: { content: { envelope: typeof envelope === 'string' ? envelope : JSON.stringify(envelope) }, publicKey: b64(publicKeyPem) },
  };
}

/** intoto 0.0.2: payload and signatures base64 once more; `publicKeyPems[i]` goes with signature i. */
export function intotoV002Entry(envelope: Envelope, publicKeyPems: string[], hash: string | null = createHash('sha256').update(JSON.stringify(envelope)).digest('hex')) {
  return {
    kind: 'intoto',
    apiVersion: '0.0.2',
    spec: {
      content: {
        envelope: {
          payloadType: envelope.payloadType,
          payload: b64(envelope.payload),
          signatures: envelope.signatures.map((s, i) => ({
            ...(s.keyid !== undefined ? { keyid: s.keyid } : {}),
            sig: b64(s.sig),
            publicKey: b64(publicKeyPems[i]!),
          })),
        },
        ...(hash !== null ? { hash: { algorithm: 'sha256', value: hash } } : {}),
      },
    },
  };
}
