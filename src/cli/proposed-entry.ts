/**
 * The proposed entry `upload` sends and `verify` looks up: a hashedrekord 0.0.1 built from
 * --artifact, --signature and --public-key (as rekor-cli builds it), or any kind prepared
 * in an --entry file. Only what can be checked locally is checked here; the server makes
 * the signature check and answers 400 when it fails.
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import { ConfigError, type Flags } from '../config';
import { VerificationError } from '../client/tree-head';
import { givenFlags, requiredFlag, stringFlag } from './flags';
import { InputFileError, readInputFile, sha256OfFile } from './input-file';

/** The kinds a Rekor v1 log (and glasslog) accepts. */
export const ENTRY_KINDS = ['hashedrekord', 'rekord', 'dsse', 'intoto', 'cose', 'tuf', 'jar', 'alpine', 'rpm', 'helm'];

const ARTIFACT_FLAGS = ['artifact', 'signature', 'public-key'] as const;

export interface ProposedEntry {
  proposed: { kind: string; apiVersion: string; spec: unknown };
  /** Throws VerificationError when a body the log answered is not this entry's. */
  checkBody(body: Buffer): void;
}

export function proposedEntryFrom(flags: Flags, command: string): ProposedEntry {
  const type = parseTypeFlag(stringFlag(flags, 'type'));
  const entryFile = stringFlag(flags, 'entry');
  if (entryFile !== undefined) {
    const extra = givenFlags(flags, ARTIFACT_FLAGS);
    if (extra.length > 0) {
      throw new ConfigError(`--entry cannot be combined with ${extra.map((f) => `--${f}`).join(', ')}: give a prepared entry or the files to build one`);
    }
    return entryFromFile(entryFile, type);
  }
  if (type.kind !== 'hashedrekord') {
    throw new ConfigError(
      `--type ${type.kind} needs --entry FILE (a proposed entry JSON); only hashedrekord is built from --artifact, --signature and --public-key`,
    );
  }
  if (type.version !== undefined && type.version !== '0.0.1') {
    throw new ConfigError(`hashedrekord is built as version 0.0.1; for version ${type.version}, pass --entry FILE`);
  }
  const why = `${command} (without --entry)`;
  return hashedRekordFromFiles(requiredFlag(flags, 'artifact', why), requiredFlag(flags, 'signature', why), requiredFlag(flags, 'public-key', why));
}

/** --type KIND or KIND:VERSION (rekor-cli's form); hashedrekord when not given. */
function parseTypeFlag(value: string | undefined): { kind: string; version?: string; given: boolean } {
  if (value === undefined) return { kind: 'hashedrekord', given: false };
  const [kind, version, ...rest] = value.split(':');
  if (!ENTRY_KINDS.includes(kind!) || rest.length > 0 || version === '') {
    throw new ConfigError(`--type must be one of ${ENTRY_KINDS.join(', ')} (optionally KIND:VERSION), got ${JSON.stringify(value)}`);
  }
  return { kind: kind!, version, given: true };
}

function entryFromFile(file: string, type: ReturnType<typeof parseTypeFlag>): ProposedEntry {
  let proposed: unknown;
  try {
    proposed = JSON.parse(readInputFile(file, '--entry').toString('utf8'));
  } catch (e) {
    if (e instanceof InputFileError) throw e;
    throw new InputFileError(`--entry ${file} is not JSON: it must be a proposed entry {"kind", "apiVersion", "spec"}`);
  }
  const { kind, apiVersion, spec } = (proposed ?? {}) as Record<string, unknown>;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string' || typeof spec !== 'object' || spec === null) {
    throw new InputFileError(`--entry ${file} is not a proposed entry: it needs "kind", "apiVersion" and "spec"`);
  }
  if (type.given && kind !== type.kind) throw new ConfigError(`--type is ${type.kind} but --entry ${file} is a ${kind} entry`);
  if (type.version !== undefined && apiVersion !== type.version) {
    throw new ConfigError(`--type asks for version ${type.version} but --entry ${file} is version ${apiVersion}`);
  }
  return {
    proposed: { kind, apiVersion, spec },
    checkBody(body) {
      const logged = parsedBody(body);
      if (logged.kind !== kind) throw new VerificationError(`the log answered a ${String(logged.kind)} entry for the ${kind} entry sent`);
    },
  };
}

function hashedRekordFromFiles(artifactFile: string, signatureFile: string, keyFile: string): ProposedEntry {
  const digestHex = sha256OfFile(artifactFile, '--artifact');
  const signature = signatureBytes(readInputFile(signatureFile, '--signature'), signatureFile);
  const verifier = verifierPem(readInputFile(keyFile, '--public-key'), keyFile);
  return {
    proposed: {
      kind: 'hashedrekord',
      apiVersion: '0.0.1',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digestHex } },
        signature: { content: signature.toString('base64'), publicKey: { content: verifier.toString('base64') } },
      },
    },
    checkBody(body) {
      const spec = (parsedBody(body).spec ?? {}) as { data?: { hash?: { value?: unknown } }; signature?: { content?: unknown } };
      const content = spec.signature?.content;
      if (spec.data?.hash?.value !== digestHex || typeof content !== 'string' || !Buffer.from(content, 'base64').equals(signature)) {
        throw new VerificationError(`the logged entry is not the one sent (sha256 ${digestHex} with the given signature)`);
      }
    },
  };
}

/**
 * A detached signature, raw (DER ECDSA, RSA, Ed25519) or base64 text as cosign and
 * `openssl | base64` write it. Raw DER always holds bytes outside the base64 alphabet
 * (its 0x02 INTEGER tags), so text made only of that alphabet is read as base64.
 */
function signatureBytes(raw: Buffer, file: string): Buffer {
  const text = raw.toString('latin1').replace(/\s+/g, '');
  if (text === '') throw new InputFileError(`--signature ${file} is empty`);
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0) return Buffer.from(text, 'base64');
  return raw;
}

/** A PEM public key or X.509 certificate, sent as the file's bytes (as rekor-cli sends it). */
function verifierPem(raw: Buffer, file: string): Buffer {
  const text = raw.toString('utf8');
  if (text.includes('PRIVATE KEY')) {
    throw new InputFileError(`--public-key ${file} holds a private key; pass the public key or certificate that verifies the signature`);
  }
  const label = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(text)?.[1];
  try {
    if (label === 'PUBLIC KEY') createPublicKey(text);
    else if (label === 'CERTIFICATE') new X509Certificate(text);
    else throw new Error(label ? `a PEM ${label} block` : 'not PEM');
  } catch (e) {
    throw new InputFileError(`--public-key ${file} is not a PEM public key or X.509 certificate (${(e as Error).message})`);
  }
  return raw;
}

function parsedBody(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // Fall through: a body that is not a JSON object cannot be the entry sent.
  }
  throw new VerificationError('the logged entry body is not a JSON object');
}
