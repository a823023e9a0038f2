import { createHash } from 'node:crypto';
import { VerificationError } from '@sigstore/verify';
import {
  type Signer,
  canonicalJson,
  logIdOf,
  signEntryTimestamp,
  signerFromPem,
} from '../../src/crypto';
import {
  type Checkpoint,
  NoteError,
  c2spKeyHint,
  formatCheckpointBody,
  parseCheckpointBody,
  parseNote,
  rekorKeyHint,
  signNote,
  signRekorCheckpoint,
  verifyNote,
  verifyRekorCheckpoint,
} from '../../src/note';
import { publicLogs, readKeyText } from '../fixtures/crypto/fixtures';
import {
  type RekorLogEntry,
  type TLogEntryWithInclusionProof,
  tlogAuthorities,
  tlogEntryFromJson,
  toTransparencyLogEntry,
  verifyCheckpoint,
  verifyTLogInclusion,
} from '../fixtures/crypto/sigstore-js';

const ecdsa = signerFromPem(readKeyText('ecdsa-p256.pkcs8.pem'));
const ed25519 = signerFromPem(readKeyText('ed25519.pkcs8.pem'));
const SIGNERS: Array<[string, Signer]> = [
  ['ECDSA P-256', ecdsa],
  ['Ed25519', ed25519],
];

const ROOT = Buffer.from('IbC2+n9aYhFlm5nFwkp+j7/Hc9XuYWxyE5OlXIoIijY=', 'base64');
const TREE_ID = '1193050959916656506';

function expectNoteError(f: () => unknown, message?: RegExp): void {
  let thrown: unknown;
  try {
    f();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(NoteError);
  if (message) expect((thrown as Error).message).toMatch(message);
}

describe('formatCheckpointBody', () => {
  it('writes origin, size and base64 root, one per line, each ending in \\n', () => {
    expect(
      formatCheckpointBody({ origin: `rekor.sigstore.dev - ${TREE_ID}`, treeSize: 32658497, rootHash: ROOT, extensions: [] }),
    ).toBe(`rekor.sigstore.dev - ${TREE_ID}\n32658497\nIbC2+n9aYhFlm5nFwkp+j7/Hc9XuYWxyE5OlXIoIijY=\n`);
  });

  it('writes extension lines after the root, and size 0 as "0"', () => {
    expect(
      formatCheckpointBody({ origin: 'o', treeSize: 0, rootHash: Buffer.alloc(32), extensions: ['Timestamp: 1', 'x'] }),
    ).toBe(`o\n0\n${Buffer.alloc(32).toString('base64')}\nTimestamp: 1\nx\n`);
  });

  it.each<[string, Partial<Checkpoint>]>([
    ['an empty origin', { origin: '' }],
    ['an origin with a newline', { origin: 'a\nb' }],
    ['an origin with a carriage return', { origin: 'a\r' }],
    ['a negative size', { treeSize: -1 }],
    ['a fractional size', { treeSize: 1.5 }],
    ['a size beyond 2^53', { treeSize: 2 ** 53 }],
    ['a 31-byte root', { rootHash: Buffer.alloc(31) }],
    ['an empty extension line', { extensions: [''] }],
    ['an extension line with a newline', { extensions: ['a\n'] }],
  ])('refuses %s', (_what, override) => {
    expectNoteError(() =>
      formatCheckpointBody({ origin: 'o', treeSize: 1, rootHash: Buffer.alloc(32), extensions: [], ...override }),
    );
  });
});

describe('parseCheckpointBody', () => {
  it('reads what formatCheckpointBody writes', () => {
    const c: Checkpoint = { origin: 'example.com/log', treeSize: 123, rootHash: ROOT, extensions: ['e1', 'e 2'] };
    const parsed = parseCheckpointBody(formatCheckpointBody(c));
    expect(parsed).toEqual({ ...c, rootHash: Buffer.from(ROOT) });
  });

  const root = ROOT.toString('base64');
  it.each<[string, string]>([
    ['text without a final newline', `o\n1\n${root}`],
    ['two lines', 'o\n1\n'],
    ['an empty origin', `\n1\n${root}\n`],
    ['a size with a leading zero', `o\n01\n${root}\n`],
    ['a size with a plus sign', `o\n+1\n${root}\n`],
    ['a negative size', `o\n-1\n${root}\n`],
    ['a size with a space', `o\n 1\n${root}\n`],
    ['a hexadecimal size', `o\n0x1\n${root}\n`],
    ['a size beyond 2^53 - 1', `o\n9007199254740992\n${root}\n`],
    ['a root that is not base64', `o\n1\n${root.replace('+', '-')}\n`],
    ['a root without padding', `o\n1\n${root.replace('=', '')}\n`],
    ['a root of 31 bytes', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['an empty extension line', `o\n1\n${root}\n\n`],
    ['an extension line with a carriage return', `o\n1\n${root}\nx\r\n`],
  ])('rejects %s', (_what, text) => {
    expectNoteError(() => parseCheckpointBody(text));
  });
});

describe('checkpoints from public Sigstore logs', () => {
  const logs = publicLogs();
  const rekor = logs.tlogs['rekor.sigstore.dev']!;
  const rekorKey = Buffer.from(rekor.publicKey.rawBytes, 'base64');
  const rekorHint = rekorKeyHint(logIdOf(rekorKey));
  const current = logs.entries.rekorV1Current.tlogEntry;
  const older = logs.entries.rekorV1WithSetAndTimestampLine.tlogEntry;

  it('a real rekor.sigstore.dev checkpoint parses and verifies by name "rekor.sigstore.dev" and hint logID[:4]', () => {
    const envelope = current.inclusionProof.checkpoint.envelope;
    expect(rekorHint.toString('hex')).toBe('c0d23d6a');
    const note = verifyNote(envelope, 'rekor.sigstore.dev', rekorHint, rekorKey);
    expect(note.signatures).toHaveLength(1);
    const cp = parseCheckpointBody(note.text);
    expect(cp.origin).toBe(`rekor.sigstore.dev - ${TREE_ID}`);
    expect(cp.treeSize).toBe(Number(current.inclusionProof.treeSize));
    expect(Buffer.from(cp.rootHash).toString('base64')).toBe(current.inclusionProof.rootHash);
    expect(cp.extensions).toEqual([]);
  });

  it('our formatter reproduces the real checkpoint text exactly', () => {
    const note = parseNote(current.inclusionProof.checkpoint.envelope);
    expect(formatCheckpointBody(parseCheckpointBody(note.text))).toBe(note.text);
  });

  it('verifyRekorCheckpoint accepts it and reports the tree ID from the origin', () => {
    const cp = verifyRekorCheckpoint(current.inclusionProof.checkpoint.envelope, {
      hostname: 'rekor.sigstore.dev',
      publicKeyDer: rekorKey,
      treeId: TREE_ID,
    });
    expect(cp.treeId).toBe(TREE_ID);
    expect(cp.treeSize).toBe(32658497);
  });

  it('is rejected after any one byte changes', () => {
    const bytes = Buffer.from(current.inclusionProof.checkpoint.envelope, 'utf8');
    for (let i = 0; i < bytes.length; i++) {
      const bad = Buffer.from(bytes);
      bad[i]! ^= 0x01;
      expectNoteError(() => verifyNote(bad, 'rekor.sigstore.dev', rekorHint, rekorKey));
    }
  });

  it('an older rekor.sigstore.dev checkpoint with a "Timestamp:" extension line verifies and keeps the line', () => {
    const cp = verifyRekorCheckpoint(older.inclusionProof.checkpoint.envelope, {
      hostname: 'rekor.sigstore.dev',
      publicKeyDer: rekorKey,
    });
    expect(cp.treeId).toBe('2605736670972794746');
    expect(cp.extensions).toEqual(['Timestamp: 1689177043498794794']);
  });

  it('a staging Rekor v2 Ed25519 checkpoint verifies with the C2SP key hint', () => {
    const name = 'log2025-alpha1.rekor.sigstage.dev';
    const der = Buffer.from(logs.tlogs[name]!.publicKey.rawBytes, 'base64');
    const hint = c2spKeyHint(name, 0x01, der.subarray(-32));
    const note = verifyNote(logs.entries.rekorV2Staging.tlogEntry.inclusionProof.checkpoint.envelope, name, hint, der);
    expect(parseCheckpointBody(note.text).origin).toBe(name);
    // Its hint is not logID[:4] of the SPKI hash: Rekor v2 uses C2SP key IDs.
    expect(hint.equals(rekorKeyHint(logIdOf(der)))).toBe(false);
  });

  it('a staging Rekor v2 checkpoint with three witness cosignatures verifies, the cosignatures ignored', () => {
    const name = 'log2025-alpha3.rekor.sigstage.dev';
    const der = Buffer.from(logs.tlogs[name]!.publicKey.rawBytes, 'base64');
    const note = verifyNote(
      logs.entries.rekorV2StagingCosigned.tlogEntry.inclusionProof.checkpoint.envelope,
      name,
      c2spKeyHint(name, 0x01, der.subarray(-32)),
      der,
    );
    expect(note.signatures.map((s) => s.name)).toEqual([
      name,
      'witness.stagemole.eu',
      'staging.witness.transparency.goog/ring-any-bells',
      'witness.navigli.sunlight.geomys.org',
    ]);
  });
});

describe.each(SIGNERS)('Rekor v1 checkpoints signed with an %s key', (_name, signer) => {
  const note = signRekorCheckpoint({ hostname: 'glasslog.example', treeId: TREE_ID, treeSize: 7, rootHash: ROOT, signer });

  it('have origin "<hostname> - <treeID>", no extension lines, and one signature line by <hostname> with hint logID[:4]', () => {
    expect(note.startsWith(`glasslog.example - ${TREE_ID}\n7\n${ROOT.toString('base64')}\n\n\u2014 glasslog.example `)).toBe(true);
    const parsed = parseNote(note);
    expect(parsed.signatures).toHaveLength(1); // Rekor's Go verifier fails a note with any other line
    expect(parsed.signatures[0]!.name).toBe('glasslog.example');
    expect(parsed.signatures[0]!.keyHint.equals(signer.logId.subarray(0, 4))).toBe(true);
  });

  it('verify', () => {
    const cp = verifyRekorCheckpoint(note, { hostname: 'glasslog.example', publicKeyDer: signer.publicKeyDer, treeId: TREE_ID });
    expect(cp).toEqual({
      origin: `glasslog.example - ${TREE_ID}`,
      treeSize: 7,
      rootHash: ROOT,
      extensions: [],
      treeId: TREE_ID,
    });
  });

  it('are rejected for another tree ID, another host name or another key', () => {
    expectNoteError(
      () => verifyRekorCheckpoint(note, { hostname: 'glasslog.example', publicKeyDer: signer.publicKeyDer, treeId: '1' }),
      /not 1/,
    );
    expectNoteError(() => verifyRekorCheckpoint(note, { hostname: 'other.example', publicKeyDer: signer.publicKeyDer }));
    const other = signer === ecdsa ? ed25519 : ecdsa;
    expectNoteError(() => verifyRekorCheckpoint(note, { hostname: 'glasslog.example', publicKeyDer: other.publicKeyDer }));
  });

  it('are rejected by verifyRekorCheckpoint when the origin is not "<hostname> - <treeID>"', () => {
    const text = formatCheckpointBody({ origin: 'glasslog.example/log', treeSize: 1, rootHash: ROOT, extensions: [] });
    const n = signNote(text, 'glasslog.example', rekorKeyHint(signer.logId), signer);
    expectNoteError(
      () => verifyRekorCheckpoint(n, { hostname: 'glasslog.example', publicKeyDer: signer.publicKeyDer }),
      /is not "glasslog.example - <tree ID>"/,
    );
  });
});

describe('signRekorCheckpoint', () => {
  const base = { hostname: 'glasslog.example', treeId: TREE_ID, treeSize: 1, rootHash: ROOT, signer: ecdsa };

  it('accepts a host name with a port, an IPv4 address and a container name with an underscore', () => {
    for (const hostname of ['localhost:3000', '127.0.0.1:8080', 'a', 'glasslog_server']) {
      expect(parseNote(signRekorCheckpoint({ ...base, hostname })).signatures[0]!.name).toBe(hostname);
    }
  });

  it.each([
    ['an empty hostname', { hostname: '' }],
    ['a hostname with a space', { hostname: 'a b' }],
    ['a hostname with a path', { hostname: 'glasslog.example/log' }],
    ['a URL as hostname', { hostname: 'https://glasslog.example' }],
    ['an IPv6 literal, which sigstore-js would read as a regex character class', { hostname: '[::1]:3000' }],
    ['a hostname with regex metacharacters', { hostname: 'a(b' }],
    ['a non-decimal tree ID', { treeId: 'abc' }],
    ['a tree ID with a leading zero', { treeId: '01' }],
    ['a tree ID beyond int64', { treeId: '9223372036854775808' }],
    ['a negative tree size', { treeSize: -1 }],
    ['a root hash of the wrong length', { rootHash: Buffer.alloc(20) }],
  ])('refuses %s', (_what, override) => {
    expectNoteError(() => signRekorCheckpoint({ ...base, ...override }));
  });
});

// ---------------------------------------------------------------------------------------------
// sigstore-js (@sigstore/verify 3.x) judging what we produce.

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  parts.forEach((p) => h.update(p));
  return h.digest();
};
const leafHash = (leaf: Uint8Array): Buffer => sha256(Buffer.from([0]), leaf);
const nodeHash = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([1]), l, r);
const split = (n: number): number => 2 ** Math.floor(Math.log2(n - 1));
/** RFC 6962 §2.1 Merkle tree hash and audit path (test-only; the real ones live in src/merkle). */
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = split(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
function auditPath(m: number, leaves: Buffer[]): Buffer[] {
  if (leaves.length <= 1) return [];
  const k = split(leaves.length);
  return m < k
    ? [...auditPath(m, leaves.slice(0, k)), mth(leaves.slice(k))]
    : [...auditPath(m - k, leaves.slice(k)), mth(leaves.slice(0, k))];
}

const body = (i: number): Buffer =>
  canonicalJson({
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: { data: { hash: { algorithm: 'sha256', value: sha256(Buffer.from([i])).toString('hex') } } },
  });

/** What glasslog's API would answer for entry `index` of a tree of `size` leaves. */
function rekorEntry(
  signer: Signer,
  opts: { hostname: string; index: number; size: number; shardOffset?: number; treeId?: string },
): RekorLogEntry {
  const leaves = Array.from({ length: opts.size }, (_, i) => body(i));
  const rootHash = mth(leaves);
  const logIndex = (opts.shardOffset ?? 0) + opts.index;
  const fields = {
    body: leaves[opts.index]!.toString('base64'),
    integratedTime: 1700000000 + opts.index,
    logID: signer.logId.toString('hex'),
    logIndex,
  };
  return {
    ...fields,
    verification: {
      signedEntryTimestamp: signEntryTimestamp(signer, fields).toString('base64'),
      inclusionProof: {
        logIndex: opts.index,
        treeSize: opts.size,
        rootHash: rootHash.toString('hex'),
        hashes: auditPath(opts.index, leaves).map((h) => h.toString('hex')),
        checkpoint: signRekorCheckpoint({
          hostname: opts.hostname,
          treeId: opts.treeId ?? TREE_ID,
          treeSize: opts.size,
          rootHash,
          signer,
        }),
      },
    },
  };
}

function authoritiesFor(signer: Signer, baseUrl: string, logId: Uint8Array = signer.logId) {
  return tlogAuthorities([
    {
      baseUrl,
      publicKeyDer: signer.publicKeyDer,
      keyDetails: signer.keyType === 'ed25519' ? 'PKIX_ED25519' : 'PKIX_ECDSA_P256_SHA_256',
      logId,
    },
  ]);
}

describe("sigstore-js's own checkpoint and inclusion verification (@sigstore/verify)", () => {
  it('accepts the real public-good entry, so this harness is a fair judge', () => {
    const logs = publicLogs();
    const rekor = logs.tlogs['rekor.sigstore.dev']!;
    const auth = tlogAuthorities([
      {
        baseUrl: rekor.baseUrl,
        publicKeyDer: Buffer.from(rekor.publicKey.rawBytes, 'base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        logId: Buffer.from(rekor.logId.keyId, 'base64'),
      },
    ]);
    for (const e of [logs.entries.rekorV1Current, logs.entries.rekorV1WithSetAndTimestampLine]) {
      expect(() => verifyTLogInclusion(tlogEntryFromJson(e.tlogEntry), auth)).not.toThrow();
    }
  });

  describe.each(SIGNERS)('with an %s log key', (_name, signer) => {
    it('verifyCheckpoint accepts our checkpoint when the name is the host of the tlog baseUrl', () => {
      const entry = toTransparencyLogEntry(rekorEntry(signer, { hostname: 'glasslog.example', index: 0, size: 1 }));
      const cp = verifyCheckpoint(entry as TLogEntryWithInclusionProof, authoritiesFor(signer, 'https://glasslog.example'));
      expect(cp.origin).toBe(`glasslog.example - ${TREE_ID}`);
      expect(cp.logSize).toBe(1n);
    });

    it('verifyTLogInclusion accepts the SET, checkpoint and inclusion proof of every entry of a 7-entry tree', () => {
      const auth = authoritiesFor(signer, 'https://glasslog.example');
      for (let index = 0; index < 7; index++) {
        const entry = toTransparencyLogEntry(
          rekorEntry(signer, { hostname: 'glasslog.example', index, size: 7, shardOffset: 1000 }),
        );
        expect(() => verifyTLogInclusion(entry, auth)).not.toThrow();
      }
    });

    it('accepts a name with a port when clients are configured with that URL (localhost:3000)', () => {
      const entry = toTransparencyLogEntry(rekorEntry(signer, { hostname: 'localhost:3000', index: 2, size: 3 }));
      expect(() => verifyTLogInclusion(entry, authoritiesFor(signer, 'http://localhost:3000'))).not.toThrow();
    });

    it('rejects our checkpoint when its name is not in the tlog baseUrl', () => {
      const entry = toTransparencyLogEntry(rekorEntry(signer, { hostname: 'glasslog.example', index: 0, size: 2 }));
      expect(() => verifyTLogInclusion(entry, authoritiesFor(signer, 'https://transparency.example.org'))).toThrow(
        /invalid checkpoint signature/,
      );
    });

    it('rejects a checkpoint whose hint is the C2SP key ID rather than logID[:4] (for a Rekor v1 trusted root)', () => {
      const e = rekorEntry(signer, { hostname: 'glasslog.example', index: 0, size: 1 });
      const text = parseNote(e.verification.inclusionProof!.checkpoint).text;
      const hint = c2spKeyHint('glasslog.example', 0x01, signer.publicKeyDer.subarray(-32));
      e.verification.inclusionProof!.checkpoint = signNote(text, 'glasslog.example', hint, signer);
      expect(() => verifyTLogInclusion(toTransparencyLogEntry(e), authoritiesFor(signer, 'https://glasslog.example'))).toThrow(
        /invalid checkpoint signature/,
      );
    });

    it('rejects a tampered checkpoint', () => {
      const e = rekorEntry(signer, { hostname: 'glasslog.example', index: 1, size: 2 });
      const cp = e.verification.inclusionProof!.checkpoint;
      e.verification.inclusionProof!.checkpoint = cp.replace('\n2\n', '\n3\n');
      const entry = toTransparencyLogEntry(e);
      expect(() => verifyTLogInclusion(entry, authoritiesFor(signer, 'https://glasslog.example'))).toThrow(VerificationError);
    });
  });

  it('reads the checkpoint name as an unanchored regular expression against baseUrl (a sigstore-js quirk)', () => {
    // "glasslog.example" matches "https://glasslogXexample.evil" because "." matches any
    // character. This loosens sigstore-js, not us; it is why the name must be a plain host.
    const entry = toTransparencyLogEntry(rekorEntry(ecdsa, { hostname: 'glasslog.example', index: 0, size: 1 }));
    expect(() => verifyTLogInclusion(entry, authoritiesFor(ecdsa, 'https://glasslogXexample.evil'))).not.toThrow();
  });
});
