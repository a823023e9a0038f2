/**
 * Pre-generated request bodies: distinct hashedrekord 0.0.1 entries, each a fresh random
 * artifact signed (ECDSA P-256, SHA-256) before any timing starts, as a client would.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

export class EntryFactory {
  private readonly privateKey: KeyObject;
  private readonly publicKeyB64: string;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = privateKey;
    this.publicKeyB64 = Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }).toString()).toString('base64');
  }

  /** One proposed entry as the JSON bytes a client POSTs. */
  one(): Buffer {
    const artifact = randomBytes(32);
    const digest = createHash('sha256').update(artifact).digest('hex');
    const signature = sign('sha256', artifact, this.privateKey).toString('base64');
    return Buffer.from(
      JSON.stringify({
        apiVersion: '0.0.1',
        kind: 'hashedrekord',
        spec: {
          data: { hash: { algorithm: 'sha256', value: digest } },
          signature: { content: signature, publicKey: { content: this.publicKeyB64 } },
        },
      }),
    );
  }

  many(n: number): Buffer[] {
    const out = new Array<Buffer>(n);
    for (let i = 0; i < n; i++) out[i] = this.one();
    return out;
  }
}
