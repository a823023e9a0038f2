/**
 * The SSH wire encoding of a public key (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4) and
 * its OpenSSH fingerprint "SHA256:<unpadded base64>" — the key id that sigstore's DSSE
 * verifier adapter gives a key (Go: ssh.FingerprintSHA256(ssh.NewPublicKey(pub))).
 */
import { createHash } from 'node:crypto';
import { readChildren, readSingle, TAG_INTEGER, TAG_SEQUENCE } from './der';
import type { SubjectPublicKey } from './public-key';

const SSH_CURVE: Record<string, string | undefined> = { 'P-256': 'nistp256', 'P-384': 'nistp384', 'P-521': 'nistp521' };

/** uint32 length ‖ bytes. */
export function sshString(bytes: Buffer | string): Buffer {
  const body = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  return Buffer.concat([len, body]);
}

/** The key's SSH wire bytes, or undefined for a key SSH cannot express (P-224). */
export function sshWirePublicKey(key: SubjectPublicKey): Buffer | undefined {
  switch (key.algorithm.type) {
    case 'ed25519':
      return Buffer.concat([sshString('ssh-ed25519'), sshString(key.keyBytes)]);
    case 'ecdsa': {
      const curve = SSH_CURVE[key.algorithm.curve];
      if (!curve) return undefined;
      return Buffer.concat([sshString(`ecdsa-sha2-${curve}`), sshString(curve), sshString(key.keyBytes)]);
    }
    case 'rsa': {
      // PKCS#1 RSAPublicKey ::= SEQUENCE { n INTEGER, e INTEGER }; a DER INTEGER's content
      // is already an SSH mpint (minimal two's complement, big-endian).
      const [n, e] = readChildren(readSingle(key.keyBytes, TAG_SEQUENCE).content);
      if (!n || !e || n.tag !== TAG_INTEGER || e.tag !== TAG_INTEGER) return undefined;
      return Buffer.concat([sshString('ssh-rsa'), sshString(e.content), sshString(n.content)]);
    }
  }
}

/** OpenSSH's "SHA256:…" fingerprint, or undefined when the key has no SSH form. */
export function sshFingerprint(key: SubjectPublicKey): string | undefined {
  const wire = sshWirePublicKey(key);
  if (!wire) return undefined;
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
}
