/**
 * Rekor's attestation rule for intoto (pkg/types/intoto/v0.0.1 and v0.0.2 entry.go, AttestationKeyValue):
 * the decoded DSSE payload is kept unless its base64 form announces more than
 * `maxAttestationSize` bytes (Go's base64.StdEncoding.DecodedLen: len / 4 * 3, padding
 * counted). Too large is not an error: the entry is logged, without an attestation.
 */

/** Rekor's default --max_attestation_size: 100 KiB. */
export const DEFAULT_MAX_ATTESTATION_SIZE = 100 * 1024;

export function keptAttestation(payloadBase64: string, payload: Buffer, maxSize: number): Buffer | undefined {
  if (maxSize <= 0) return undefined;
  return Math.floor(payloadBase64.length / 4) * 3 > maxSize ? undefined : payload;
}
