/**
 * Which key + digest combinations a log accepts for hashedrekord, as Rekor's
 * `--client-signing-algorithms` policy (sigstore/rekor pkg/api/entries.go
 * checkEntryAlgorithms; sigstore/sigstore pkg/signature/algorithm_registry.go). Names are
 * the flag values of sigstore's registry. A key matches by type and size (RSA: modulus size
 * in whole bytes × 8; ECDSA: curve), and the entry's digest algorithm must be the one the
 * algorithm names — so "ed25519" (no digest) never matches a hashedrekord entry; only
 * "ed25519-ph" (SHA-512) does.
 */
import type { PublicKeyAlgorithm } from './public-key';
import type { DigestAlgorithm } from './verify';

interface AlgorithmDetails {
  key: PublicKeyAlgorithm['type'];
  /** RSA modulus bits, or ECDSA curve. */
  size?: number | string;
  /** null: the algorithm signs the message itself, never a digest. */
  digest: DigestAlgorithm | null;
}

const SUPPORTED_ALGORITHMS = {
  'rsa-sign-pkcs1-2048-sha256': { key: 'rsa', size: 2048, digest: 'sha256' },
  'rsa-sign-pkcs1-3072-sha256': { key: 'rsa', size: 3072, digest: 'sha256' },
  'rsa-sign-pkcs1-4096-sha256': { key: 'rsa', size: 4096, digest: 'sha256' },
  'rsa-sign-pss-2048-sha256': { key: 'rsa', size: 2048, digest: 'sha256' },
  'rsa-sign-pss-3072-sha256': { key: 'rsa', size: 3072, digest: 'sha256' },
  'rsa-sign-pss-4096-sha256': { key: 'rsa', size: 4096, digest: 'sha256' },
  'ecdsa-sha2-256-nistp256': { key: 'ecdsa', size: 'P-256', digest: 'sha256' },
  'ecdsa-sha2-384-nistp384': { key: 'ecdsa', size: 'P-384', digest: 'sha384' },
  'ecdsa-sha2-256-nistp384': { key: 'ecdsa', size: 'P-384', digest: 'sha256' },
  'ecdsa-sha2-512-nistp521': { key: 'ecdsa', size: 'P-521', digest: 'sha512' },
  'ecdsa-sha2-256-nistp521': { key: 'ecdsa', size: 'P-521', digest: 'sha256' },
  ed25519: { key: 'ed25519', digest: null },
  'ed25519-ph': { key: 'ed25519', digest: 'sha512' },
} as const satisfies Record<string, AlgorithmDetails>;

export type SigningAlgorithm = keyof typeof SUPPORTED_ALGORITHMS;

export const SIGNING_ALGORITHMS = Object.keys(SUPPORTED_ALGORITHMS) as SigningAlgorithm[];

/** Rekor's default (api.AllowedClientSigningAlgorithms). */
export const DEFAULT_CLIENT_SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = [
  'rsa-sign-pkcs1-2048-sha256',
  'rsa-sign-pkcs1-3072-sha256',
  'rsa-sign-pkcs1-4096-sha256',
  'ecdsa-sha2-256-nistp256',
  'ecdsa-sha2-384-nistp384',
  'ecdsa-sha2-512-nistp521',
  'ed25519',
  'ed25519-ph',
];

export function isSigningAlgorithm(name: string): name is SigningAlgorithm {
  return Object.prototype.hasOwnProperty.call(SUPPORTED_ALGORITHMS, name);
}

/** sigstore's AlgorithmRegistryConfig.IsAlgorithmPermitted. */
export function isAlgorithmPermitted(
  key: PublicKeyAlgorithm,
  digest: DigestAlgorithm,
  permitted: readonly SigningAlgorithm[],
): boolean {
  return permitted.some((name) => {
    const details: AlgorithmDetails = SUPPORTED_ALGORITHMS[name];
    return details.key === key.type && details.size === keySize(key) && details.digest === digest;
  });
}

function keySize(key: PublicKeyAlgorithm): number | string | undefined {
  switch (key.type) {
    case 'rsa':
      return Math.ceil(key.modulusBits / 8) * 8; // Go: rsa.PublicKey.Size() * 8
    case 'ecdsa':
      return key.curve;
    case 'ed25519':
      return undefined;
  }
}

/** How Rekor names a key in its "entry algorithms are not allowed" log line. */
export function describeKey(key: PublicKeyAlgorithm): string {
  switch (key.type) {
    case 'rsa':
      return `rsa public key (${keySize(key)} bits)`;
    case 'ecdsa':
      return `ecdsa public key: ${key.curve.replace('-', '')}`;
    case 'ed25519':
      return 'ed25519 public key';
  }
}
