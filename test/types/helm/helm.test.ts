/**
 * helm 0.0.1: Rekor's fixture (test/fixtures/types/helm, see the README there) must give the
 * leaf hash and index keys Rekor's own code gave; provenance files clearsigned here with gpg
 * (a temporary GNUPGHOME, batch key generation, its gpg-agent killed at the end) must verify,
 * with the chart hash from `files`, the signature re-armored from its raw bytes and the key
 * re-serialized with new-format headers (compared with openpgp.js's own serialization); and
 * every malformed, truncated or tampered input must be refused with InvalidEntryError and
 * Rekor's message.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { InvalidEntryError } from '../../../src/errors';
import { createHelmV001 } from '../../../src/types/helm/v0.0.1';
import { armorLikeGo } from '../../../src/types/pki/pgp/armor';

const DIR = join(__dirname, '..', '..', 'fixtures', 'types', 'helm');
const fixture = (name: string) => readFileSync(join(DIR, name));
const rpmKey = readFileSync(join(__dirname, '..', '..', 'fixtures', 'types', 'rpm', 'test_rpm_public_key.key'));
const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');
const leafHash = (body: Buffer) => createHash('sha256').update(Buffer.from([0])).update(body).digest('hex');

const helm = createHelmV001();
const PROV = fixture('test-0.1.0.tgz.prov');
const KEY = fixture('test_helm_armor.pub');

function spec(provenance: Buffer | string, key: Buffer = KEY) {
  return { publicKey: { content: key.toString('base64') }, chart: { provenance: { content: Buffer.from(provenance).toString('base64') } } };
}

async function refusal(proposed: unknown): Promise<string> {
  try {
    await helm.canonicalize(proposed);
  } catch (err) {
    if (err instanceof InvalidEntryError) return err.message;
    throw err;
  }
  throw new Error('expected a refusal');
}

function parseBody(body: Buffer) {
  return JSON.parse(body.toString()) as {
    apiVersion: string;
    kind: string;
    spec: { chart: { hash: { algorithm: string; value: string }; provenance: { signature: { content: string } } }; publicKey: { content: string } };
  };
}

// ----------------------------------------------------------------------------------------
// gpg in a throwaway home

let home: string;
const gpgEnv = () => ({ ...process.env, GNUPGHOME: home, LC_ALL: 'C' });
const gpg = (args: string[], input?: string | Buffer) =>
  execFileSync('gpg', ['--batch', '--no-tty', '--pinentry-mode', 'loopback', '--passphrase', '', ...args], {
    env: gpgEnv(),
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
  });

interface GpgKey {
  fingerprint: string;
  armored: Buffer;
  email: string;
}

/** gpg's --faked-system-time value for `days` from now. */
const gpgTime = (days: number) => `${new Date(Date.now() + days * 86400_000).toISOString().replace(/[-:]/g, '').slice(0, 15)}!`;

function generateKey(name: string, email: string, algo: string, expire = 'never', time: string[] = []): GpgKey {
  gpg([...time, '--quick-gen-key', `${name} <${email}>`, algo, 'sign', expire]);
  const listing = gpg(['--list-keys', '--with-colons', email]).toString();
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)![1]!;
  return { fingerprint, armored: gpg(['--armor', '--export', fingerprint]), email };
}

function clearsign(key: GpgKey, text: string, extra: string[] = []): Buffer {
  return gpg(['--local-user', key.fingerprint, ...extra, '--clearsign'], text);
}

let ed25519: GpgKey;
let rsa: GpgKey;
let shortLived: GpgKey;

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'glasslog-helm-gpg-'));
  ed25519 = generateKey('Helm Tester', 'helm-tester@example.org', 'ed25519');
  rsa = generateKey('Helm RSA', 'helm-rsa@example.org', 'rsa2048');
  // Created ten days ago, valid for one day: expired now.
  shortLived = generateKey('Short Lived', 'short-lived@example.org', 'ed25519', '1d', ['--faked-system-time', gpgTime(-10)]);
}, 120000);

afterAll(() => {
  if (!home) return;
  try {
    execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: gpgEnv(), stdio: 'ignore' });
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

const CHART = Buffer.from('not really a chart archive, but hashed like one');

function provenanceText(files: string, chart = 'apiVersion: v2\nname: hand-made\nversion: 0.1.0\nkeywords:\n- glasslog\n- rekor\n'): string {
  return `${chart}\n...\n${files}`;
}

const FILES = `files:\n  hand-made-0.1.0.tgz: sha256:${sha256(CHART)}\n`;

/** The signature's raw bytes, from the clearsigned output's armor. */
async function signatureBytes(clearsigned: Buffer): Promise<Buffer> {
  const text = clearsigned.toString();
  const armored = text.slice(text.indexOf('-----BEGIN PGP SIGNATURE-----'));
  return Buffer.from((await openpgp.unarmor(armored)).data as Uint8Array);
}

/** The canonical key independently: openpgp.js's re-serialization (new-format headers), armored the Go way. */
async function canonicalKey(armored: Buffer): Promise<Buffer> {
  const keys = await openpgp.readKeys({ armoredKeys: armored.toString() });
  return armorLikeGo('PGP PUBLIC KEY BLOCK', Buffer.concat(keys.map((k) => k.write())));
}

// ----------------------------------------------------------------------------------------

describe('helm known answers (Rekor test data)', () => {
  it('test-0.1.0.tgz.prov with its key gives Rekor’s canonical body, leaf hash and index keys', async () => {
    const entry = await helm.canonicalize(spec(PROV));
    expect(entry.kind).toBe('helm');
    expect(sha256(entry.canonicalBody)).toBe('932338b7c65863190e6434cf363e91d6420d2bd580dda5ffbac0a83f41c6bc21');
    expect(leafHash(entry.canonicalBody)).toBe('000a75d990e3832812609d61de8f41e9995fb59424e4449ecd4d2a7176455d2c');
    expect(entry.indexKeys).toEqual([
      '0f3d82ac2aced4cdc58256b0524a8952a40b4314c6ef586c6a8f4b2fcf40c138',
      'not@real.com',
      'sha256:6dec7ea21e655d5796c1e214cfb75b73428b2abfa2e66c8f7bc64ff4a7b3b29f',
    ]);
    // The chart hash the provenance names is the chart's.
    expect(parseBody(entry.canonicalBody).spec.chart.hash).toEqual({ algorithm: 'sha256', value: sha256(fixture('test-0.1.0.tgz')) });
    // The old-format key file is re-serialized with new-format headers.
    expect(parseBody(entry.canonicalBody).spec.publicKey.content).toBe((await canonicalKey(KEY)).toString('base64'));
  });

  it('ignores a client chart hash and signature (read-only), but checks their shape', async () => {
    const withExtras = {
      ...spec(PROV),
      chart: {
        hash: { algorithm: 'sha256', value: 'anything' },
        provenance: { content: PROV.toString('base64'), signature: { content: Buffer.from('x').toString('base64') } },
      },
    };
    expect(leafHash((await helm.canonicalize(withExtras)).canonicalBody)).toBe('000a75d990e3832812609d61de8f41e9995fb59424e4449ecd4d2a7176455d2c');
    const badHash = { ...withExtras, chart: { ...withExtras.chart, hash: { algorithm: 'md5', value: 'x' } } };
    expect(await refusal(badHash)).toBe('chart.hash.algorithm in body should be one of [sha256]');
  });

  it('refuses the wrong key and a tampered provenance', async () => {
    expect(await refusal(spec(PROV, rpmKey))).toBe('openpgp: signature made by unknown entity');
    const tampered = Buffer.from(PROV.toString().replace('sha256:6dec7e', 'sha256:6dec7f'));
    expect(await refusal(spec(tampered))).toBe('openpgp: invalid signature: RSA verification failure');
  });

  it('refuses every truncation of the provenance with InvalidEntryError', async () => {
    for (let n = 1; n < PROV.length; n++) await refusal(spec(PROV.subarray(0, n)));
    expect(await refusal(spec(PROV.subarray(0, 40)))).toBe('unable to decode provenance file');
  });

  it('refuses URLs, missing and undecodable parts with Rekor’s messages', async () => {
    const key = KEY.toString('base64');
    expect(await refusal({ publicKey: { content: key }, chart: { provenance: { url: 'https://example.com/x.prov' } } })).toBe(
      "'content' must be specified for provenance (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)",
    );
    expect(await refusal({ publicKey: { url: 'https://example.com/key' }, chart: { provenance: { content: PROV.toString('base64') } } })).toBe(
      "publicKey.content in body is required (remote fetch via 'url' is not supported: supply the content inline, base64-encoded)",
    );
    expect(await refusal({ publicKey: { content: key }, chart: {} })).toBe('chart.provenance in body is required');
    expect(await refusal({ publicKey: { content: key } })).toBe('chart in body is required');
    expect(await refusal({ publicKey: { content: key }, chart: { provenance: { content: '' } } })).toBe("'content' must be specified for provenance");
    expect(
      await refusal({ publicKey: { content: key }, chart: { provenance: { signature: { content: Buffer.from('sig').toString('base64') } } } }),
    ).toBe('entry not insertable into log: missing provenance content');
    expect(await refusal({ publicKey: { content: key }, chart: { provenance: { content: 'A===' } } })).toBe(
      'failed parsing base64 data for provenance content: illegal base64 data at input byte 1',
    );
    expect(await refusal(spec('just some text, not clearsigned'))).toBe('unable to decode provenance file');
    expect(await refusal(spec(PROV, Buffer.from('-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n')))).toBe('invalid PGP type detected');
  });
});

describe('helm provenance clearsigned here with gpg', () => {
  it('verifies an Ed25519 (EdDSA) clearsigned provenance, with dash-escaped chart lines', async () => {
    const text = provenanceText(FILES);
    const prov = clearsign(ed25519, text);
    expect(prov.toString()).toContain('- - glasslog'); // gpg dash-escaped the list items
    const entry = await helm.canonicalize(spec(prov, ed25519.armored));
    const key = await canonicalKey(ed25519.armored);
    const signature = armorLikeGo('PGP SIGNATURE', await signatureBytes(prov));
    expect(entry.canonicalBody.toString()).toBe(
      `{"apiVersion":"0.0.1","kind":"helm","spec":{"chart":{"hash":{"algorithm":"sha256","value":"${sha256(CHART)}"},` +
        `"provenance":{"signature":{"content":"${signature.toString('base64')}"}}},"publicKey":{"content":"${key.toString('base64')}"}}}`,
    );
    expect(entry.indexKeys).toEqual([sha256(key), 'helm-tester@example.org', `sha256:${sha256(CHART)}`]);
  });

  it('verifies RSA signatures with SHA-256 and SHA-1 (accepted, as Rekor does)', async () => {
    for (const digest of ['SHA256', 'SHA1', 'SHA512']) {
      const prov = clearsign(rsa, provenanceText(FILES), ['--digest-algo', digest]);
      const entry = await helm.canonicalize(spec(prov, rsa.armored));
      expect(entry.indexKeys.slice(1)).toEqual(['helm-rsa@example.org', `sha256:${sha256(CHART)}`]);
    }
  }, 30000);

  it('takes the first file in document order; keeps the algorithm and hash as written', async () => {
    const files = 'files:\n  z-first.tgz: SHA512:ABCDEF\n  a-second.tgz: sha256:0000\n';
    const entry = await helm.canonicalize(spec(clearsign(ed25519, provenanceText(files)), ed25519.armored));
    expect(parseBody(entry.canonicalBody).spec.chart.hash).toEqual({ algorithm: 'SHA512', value: 'ABCDEF' });
    expect(entry.indexKeys[2]).toBe('sha512:abcdef');
  });

  it('refuses a provenance whose chart hash was changed after signing', async () => {
    const prov = clearsign(ed25519, provenanceText(FILES));
    const tampered = Buffer.from(prov.toString().replace(`sha256:${sha256(CHART)}`, `sha256:${sha256('another chart')}`));
    expect(await refusal(spec(tampered, ed25519.armored))).toBe('openpgp: invalid signature: EdDSA verification failure');
    expect(await refusal(spec(prov, rsa.armored))).toBe('openpgp: signature made by unknown entity');
  });

  it('judges the key at the signature’s creation time, not now', async () => {
    // Signed nine days ago, while the key was valid; the key has expired since: accepted.
    const whileValid = clearsign(shortLived, provenanceText(FILES), ['--faked-system-time', gpgTime(-9.5)]);
    await expect(helm.canonicalize(spec(whileValid, shortLived.armored))).resolves.toBeDefined();
    // A signature dated before its key was created: the key counts as expired at that time.
    const beforeKey = clearsign(ed25519, provenanceText(FILES), ['--faked-system-time', gpgTime(-2), '--ignore-time-conflict']);
    expect(await refusal(spec(beforeKey, ed25519.armored))).toBe('openpgp: key expired');
  }, 30000);

  it('refuses signed provenance without a usable chart hash with 400 (Rekor: 500)', async () => {
    const sign = (files: string) => spec(clearsign(ed25519, provenanceText(files)), ed25519.armored);
    expect(await refusal(sign('images:\n  x: y\n'))).toBe('unable to locate chart hash');
    expect(await refusal(sign('files: {}\n'))).toBe('no checksums found');
    expect(await refusal(sign('files:\n  a.tgz: sha256:abc:def\n'))).toBe('invalid hash found in Provenance file');
    expect(await refusal(sign('files:\n  a.tgz: 42\n'))).toBe('invalid hash found in Provenance file');
  }, 30000);

  it('refuses malformed provenance bodies with Rekor’s messages', async () => {
    const sign = (text: string) => spec(clearsign(ed25519, text), ed25519.armored);
    const prefix = 'error occurred parsing message block: error occurred parsing SumCollection: ';
    expect(await refusal(sign('apiVersion: v2\nname: no-separator\n'))).toBe('error occurred parsing message block: message block must have at least two parts');
    expect(await refusal(sign(provenanceText('files: [1]\n')))).toBe(
      `${prefix}error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SumCollection.files of type map[string]string`,
    );
    expect(await refusal(sign(provenanceText('files:\n  a: {b: c}\n')))).toBe(
      `${prefix}error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go struct field SumCollection.files of type string`,
    );
    expect(await refusal(sign(provenanceText('just a string\n')))).toBe(
      `${prefix}error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type helm.SumCollection`,
    );
    expect(await refusal(sign(provenanceText('a: [\n')))).toMatch(new RegExp(`^${prefix}error converting YAML to JSON: yaml: `));
  }, 30000);
});
