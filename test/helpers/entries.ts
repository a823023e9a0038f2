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
