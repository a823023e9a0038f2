/**
 * SSH fingerprints (the key id sigstore's DSSE adapter gives a key) against OpenSSH's own:
 * `ssh-keygen -i -m PKCS8 -f key.pub.pem | ssh-keygen -l -E sha256 -f -` on the test keys
 * in test/fixtures/crypto/keys (see the README there).
 */
import { readFileSync } from 'node:fs';
import { createHash, createPublicKey } from 'node:crypto';
import { join } from 'node:path';
import { sshFingerprint } from '../../../src/types/pki/ssh-wire';
import { parseSubjectPublicKeyInfo } from '../../../src/types/pki/public-key';

const KEYS = join(__dirname, '..', '..', 'fixtures', 'crypto', 'keys');

const spkiOf = (file: string) =>
  createPublicKey(readFileSync(join(KEYS, file))).export({ type: 'spki', format: 'der' });

describe('sshFingerprint', () => {
  it.each([
    ['ecdsa-p256.pkcs8.pem', 'SHA256:iVwtpWWdga3/jl73ORbBMIkinQFCGFwtJjCi8P60IyM'],
    ['ecdsa-p384.pkcs8.pem', 'SHA256:iiKsO/fLDD1EBUZvp6B4lvhmfCe9TOMauFx0cGQZSkM'],
    ['rsa-2048.pkcs8.pem', 'SHA256:NNxOgTqeHM18PPme0LNnLoQrD0SkjHUGt2/fXkG4Jl4'],
  ])('of %s is what ssh-keygen prints', (file, want) => {
    expect(sshFingerprint(parseSubjectPublicKeyInfo(spkiOf(file)))).toBe(want);
  });

  it('of an Ed25519 key hashes "ssh-ed25519" and the 32 key bytes', () => {
    const key = parseSubjectPublicKeyInfo(spkiOf('ed25519.pkcs8.pem'));
    const wire = Buffer.concat([Buffer.from([0, 0, 0, 11]), Buffer.from('ssh-ed25519'), Buffer.from([0, 0, 0, 32]), key.keyBytes]);
    expect(sshFingerprint(key)).toBe(`SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`);
  });
});
