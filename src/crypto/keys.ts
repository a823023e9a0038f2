/**
 * The log's signing key: generation, loading, signing and verification.
 *
 * Two key types are supported, the ones Rekor-compatible clients accept for a log key:
 * - ECDSA P-256: signatures are ASN.1 DER over SHA-256 of the message (Rekor v1's key type;
 *   sigstore-js verifies with `crypto.verify(undefined, …)`, i.e. OpenSSL's default digest
 *   for an EC key, SHA-256).
 * - Ed25519: pure Ed25519 (RFC 8032) over the message itself.
 *
 * The private key never leaves the Signer object: it is held in a private field and is not
 * exposed by any property.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';

export type KeyType = 'ecdsa-p256' | 'ed25519';

export interface Signer {
  readonly keyType: KeyType;
  /** PKIX SubjectPublicKeyInfo, DER. */
  readonly publicKeyDer: Buffer;
  /** "-----BEGIN PUBLIC KEY-----\n…\n-----END PUBLIC KEY-----\n" (64-column base64). */
  readonly publicKeyPem: string;
  /** SHA-256(publicKeyDer), 32 bytes: Rekor's log ID. */
  readonly logId: Buffer;
  /** ECDSA P-256: ASN.1 DER over SHA-256(message); Ed25519: pure Ed25519 over message. */
  sign(message: Uint8Array): Buffer;
}

/** Node reports P-256 under its OpenSSL name. */
const P256_CURVE_NAMES = new Set(['prime256v1', 'P-256', 'secp256r1']);

/** A fresh signing key as PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
export function generateSigningKey(type: KeyType): string {
  let pair: crypto.KeyPairKeyObjectResult;
  switch (type) {
    case 'ecdsa-p256':
      pair = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    case 'ed25519':
      pair = crypto.generateKeyPairSync('ed25519');
      break;
    default:
      throw new Error(
        `unsupported key type ${JSON.stringify(type)}; use "ecdsa-p256" or "ed25519"`,
      );
  }
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** SHA-256 of a PKIX SubjectPublicKeyInfo DER: the Rekor log ID. */
export function logIdOf(publicKeyDer: Uint8Array): Buffer {
  return crypto.createHash('sha256').update(publicKeyDer).digest();
}

/** The key type of a key object, or undefined if it is not one of ours. */
function keyTypeOf(key: crypto.KeyObject): KeyType | undefined {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== undefined && P256_CURVE_NAMES.has(curve)) return 'ecdsa-p256';
  }
  return undefined;
}

function describeKey(key: crypto.KeyObject): string {
  if (key.asymmetricKeyType === 'ec') {
    return `ECDSA on curve ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown'}`;
  }
  return key.asymmetricKeyType ?? 'unknown key type';
}

class KeySigner implements Signer {
  readonly keyType: KeyType;
  readonly publicKeyPem: string;
  readonly #privateKey: crypto.KeyObject;
  readonly #publicKeyDer: Buffer;
  readonly #logId: Buffer;

  constructor(privateKey: crypto.KeyObject, keyType: KeyType) {
    this.keyType = keyType;
    this.#privateKey = privateKey;
    const publicKey = crypto.createPublicKey(privateKey);
    this.#publicKeyDer = publicKey.export({ type: 'spki', format: 'der' });
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.#logId = logIdOf(this.#publicKeyDer);
  }

  /** A copy, so a caller cannot alter the key the log reports. */
  get publicKeyDer(): Buffer {
    return Buffer.from(this.#publicKeyDer);
  }

  /** A copy, for the same reason. */
  get logId(): Buffer {
    return Buffer.from(this.#logId);
  }

  sign(message: Uint8Array): Buffer {
    if (this.keyType === 'ed25519') {
      return crypto.sign(null, message, this.#privateKey);
    }
    return crypto.sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'der' });
  }
}

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/g;

/**
 * A Signer from a private key PEM: PKCS#8 ("PRIVATE KEY") holding an ECDSA P-256 or Ed25519
 * key, or SEC1 ("EC PRIVATE KEY") holding a P-256 key. Anything else is refused with a
 * message saying what was found and what is accepted.
 */
export function signerFromPem(pkcs8Pem: string): Signer {
  if (typeof pkcs8Pem !== 'string') {
    throw new TypeError('signing key must be a PEM string');
  }
  const labels = [...pkcs8Pem.matchAll(PEM_LABEL)].map((m) => m[1]);
  const accepted = 'an unencrypted PKCS#8 "PRIVATE KEY" (ECDSA P-256 or Ed25519) or a SEC1 "EC PRIVATE KEY" (P-256)';
  if (labels.length === 0) {
    throw new Error(`signing key is not PEM: expected ${accepted}`);
  }
  if (labels.includes('ENCRYPTED PRIVATE KEY')) {
    throw new Error(
      `signing key is encrypted; glasslog needs ${accepted} (decrypt it with \`openssl pkey -in KEY -out PLAIN\`)`,
    );
  }
  const privateLabels = labels.filter((l) => l === 'PRIVATE KEY' || l === 'EC PRIVATE KEY');
  if (privateLabels.length === 0) {
    throw new Error(`signing key PEM holds ${labels.map((l) => `"${l}"`).join(', ')}; expected ${accepted}`);
  }
  if (privateLabels.length > 1) {
    throw new Error('signing key PEM holds more than one private key; give exactly one');
  }
  let key: crypto.KeyObject;
  try {
    key = crypto.createPrivateKey({ key: pkcs8Pem, format: 'pem' });
  } catch (err) {
    throw new Error(`signing key could not be parsed (${(err as Error).message}); expected ${accepted}`);
  }
  const keyType = keyTypeOf(key);
  if (keyType === undefined) {
    throw new Error(`signing key is ${describeKey(key)}; glasslog supports ECDSA P-256 and Ed25519 only`);
  }
  return new KeySigner(key, keyType);
}

/**
 * A Signer from a key file. The error says what to do when the file is missing or unusable.
 */
export function loadSigner(file: string): Signer {
  let pem: string;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        `signing key file ${file} does not exist; create one with \`glasslog keygen --out ${file}\``,
      );
    }
    throw new Error(`cannot read signing key file ${file}: ${(err as Error).message}`);
  }
  try {
    return signerFromPem(pem);
  } catch (err) {
    throw new Error(
      `signing key file ${file}: ${(err as Error).message}. ` +
        `Create a new key with \`glasslog keygen --out ${file}\``,
    );
  }
}

/** Parses a PKIX public key we can verify with; throws for anything else. */
function publicKeyFromDer(publicKeyDer: Uint8Array): { key: crypto.KeyObject; keyType: KeyType } {
  let key: crypto.KeyObject;
  try {
    key = crypto.createPublicKey({ key: Buffer.from(publicKeyDer), format: 'der', type: 'spki' });
  } catch (err) {
    throw new Error(`public key is not a PKIX SubjectPublicKeyInfo DER: ${(err as Error).message}`);
  }
  const keyType = keyTypeOf(key);
  if (keyType === undefined) {
    throw new Error(`public key is ${describeKey(key)}; only ECDSA P-256 and Ed25519 are supported`);
  }
  return { key, keyType };
}

/**
 * Verifies a signature made by one of our key types: ECDSA P-256 (DER over SHA-256 of the
 * message) or Ed25519 (pure). Returns false for a signature that does not verify or is not
 * well formed; throws if the public key itself is unusable (a configuration error).
 */
export function verifySignature(
  publicKeyDer: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const { key, keyType } = publicKeyFromDer(publicKeyDer);
  try {
    if (keyType === 'ed25519') {
      return crypto.verify(null, message, key, signature);
    }
    return crypto.verify('sha256', message, { key, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
