/** `glasslog keygen --out FILE [--type ecdsa-p256|ed25519]`: write a new PKCS#8 signing key. */
import fs from 'node:fs';
import { generateSigningKey, signerFromPem, type KeyType } from '../crypto';
import { ConfigError, type Flags } from '../config';

export const KEYGEN_HELP = `glasslog keygen — create a log signing key (PKCS#8 PEM)

  --out FILE     where to write the private key (refuses to overwrite)
  --type TYPE    ecdsa-p256 (default, what Rekor uses) or ed25519

Example: glasslog keygen --out /etc/glasslog/log-key.pem`;

export function keygenCommand(flags: Flags): void {
  const out = flags.out;
  if (typeof out !== 'string' || out === '') throw new ConfigError('keygen needs --out FILE');
  const type = (flags.type ?? 'ecdsa-p256') as string;
  if (type !== 'ecdsa-p256' && type !== 'ed25519') {
    throw new ConfigError(`--type must be ecdsa-p256 or ed25519, got ${JSON.stringify(type)}`);
  }
  if (fs.existsSync(out)) throw new ConfigError(`${out} already exists; choose another --out or remove it first`);
  const pem = generateSigningKey(type as KeyType);
  fs.writeFileSync(out, pem, { mode: 0o600, flag: 'wx' });
  const signer = signerFromPem(pem);
  process.stdout.write(`wrote ${type} private key to ${out}\nlog ID: ${signer.logId.toString('hex')}\n${signer.publicKeyPem}`);
}
