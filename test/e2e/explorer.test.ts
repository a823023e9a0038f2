/**
 * The web explorer at / in headless Chromium: entries looked up by UUID, log index, artifact
 * digest and email open on a green "proof verified" with the signer's identity; a proxy that
 * alters one field of the log's answers turns it red, naming the check that caught it.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { createTestCa, type IssuedCertificate, type TestCa } from '../helpers/ca';
import { backends, type Backend } from '../helpers/backends';
import { describeWithChromium, launchChromium } from '../helpers/chromium';
import { hashedRekord, newEcdsaKey } from '../helpers/entries';
import { startTestServer, type TestServer } from '../helpers/server';
import { startTamperProxy, type TamperProxy, type WireEntry } from './tamper-proxy';

interface Logged {
  uuid: string;
  logIndex: number;
  digestHex: string;
}

async function logEntry(srv: TestServer, signer?: IssuedCertificate): Promise<Logged> {
  const key = signer ? { privateKey: signer.privateKey, publicKeyPem: signer.pem } : newEcdsaKey();
  const entry = hashedRekord(key, randomBytes(32), key.publicKeyPem);
  const res = await fetch(`${srv.url}/api/v1/log/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(entry.proposed),
  });
  if (res.status !== 201) throw new Error(`logging the entry answered ${res.status}: ${await res.text()}`);
  const [[uuid, value]] = Object.entries((await res.json()) as Record<string, { logIndex: number }>);
  return { uuid, logIndex: value.logIndex, digestHex: entry.digestHex };
}

interface Verdict {
  status: string | null;
  text: string;
  failed: string[];
}

/** The verdict once the checks have finished, and the names of the checks that failed. */
async function verdictOf(page: Page): Promise<Verdict> {
  const banner = page.locator('[data-testid=verdict]:not([data-status=pending])');
  await banner.waitFor();
  const failed = await page
    .locator('[data-testid=checks] li[data-status=fail]')
    .evaluateAll((items) => items.map((item) => item.getAttribute('data-check') ?? ''));
  return { status: await banner.getAttribute('data-status'), text: ((await banner.textContent()) ?? '').trim(), failed };
}

async function field(page: Page, card: string, label: string): Promise<string> {
  return ((await page.locator(`[data-testid=${card}] dd[data-field="${label}"]`).first().textContent()) ?? '').trim();
}

/** A checkpoint with one signature byte flipped (the key hint kept, so the log's line is still found). */
function flipCheckpointSignature(checkpoint: string): string {
  return checkpoint.replace(/(\u2014 \S+ )([A-Za-z0-9+/=]+)\n$/, (_all, prefix: string, b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    bytes[bytes.length - 1] ^= 0x01;
    return `${prefix}${bytes.toString('base64')}\n`;
  });
}

/** `hex` with its first digit changed. */
const flipHex = (hex: string): string => (hex[0] === '0' ? '1' : '0') + hex.slice(1);

describeWithChromium('the web explorer', () => {
  let browser: Browser;
  let ca: TestCa;
  beforeAll(async () => {
    [browser, ca] = await Promise.all([launchChromium(), createTestCa()]);
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  describe.each(backends().map((b) => [b.name, b] as [string, Backend]))('on %s', (_name, backend) => {
    let srv: TestServer;
    let proxy: TamperProxy;
    let page: Page;
    /** Console messages and page errors: CSP or Trusted Types violations must not happen. */
    let problems: string[];
    const email = `alice-${randomBytes(4).toString('hex')}@example.com`;
    const sharedEmail = `team-${randomBytes(4).toString('hex')}@example.com`;
    let target: Logged;
    let shared: Logged[];

    beforeAll(async () => {
      srv = await startTestServer(backend);
      proxy = await startTamperProxy(srv.url);
      // Two entries before the target and two after, so its proof has hashes on both sides.
      await logEntry(srv);
      await logEntry(srv);
      target = await logEntry(srv, await ca.issueLeaf({ email, oidcIssuer: 'https://accounts.example.com' }));
      const teamCert = await ca.issueLeaf({ email: sharedEmail });
      shared = [await logEntry(srv, teamCert), await logEntry(srv, teamCert)];
    }, 60_000);
    afterAll(async () => {
      await proxy?.close();
      await srv?.stop();
    });
    beforeEach(async () => {
      proxy.tamper = undefined;
      problems = [];
      page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) problems.push(m.text());
      });
      page.on('pageerror', (err) => problems.push(err.message));
    });
    afterEach(async () => {
      await page.close();
    });

    it('opens /?q=<uuid> straight on the entry, its signer and a green "proof verified"', async () => {
      await page.goto(`${srv.url}/?q=${target.uuid}`);
      const verdict = await verdictOf(page);
      expect(verdict).toEqual({ status: 'pass', text: '✓ proof verified', failed: [] });
      const checks = await page.locator('[data-testid=checks] li').evaluateAll((items) => items.map((i) => i.getAttribute('data-check')));
      expect(checks).toEqual(['answer matches the query', 'leaf hash', 'inclusion proof', 'checkpoint contents', 'checkpoint signature', 'log ID', 'signed entry timestamp']);
      expect(await field(page, 'identity', 'Email')).toBe(email);
      expect(await field(page, 'identity', 'OIDC issuer')).toBe('https://accounts.example.com');
      expect(await field(page, 'identity', 'Certificate issuer')).toContain('CN=glasslog test CA');
      expect(await field(page, 'entry', 'UUID')).toBe(target.uuid);
      expect(await field(page, 'entry', 'Log index')).toBe(String(target.logIndex));
      expect(await field(page, 'entry', 'Kind')).toBe('hashedrekord');
      expect(await field(page, 'entry', 'API version')).toBe('0.0.1');
      expect(await field(page, 'entry', 'Integrated')).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(\d+\)$/);
      expect(await field(page, 'proof', 'Tree size')).toBe('5');
      expect(await page.locator('[data-testid=proof] .hashes li').count()).toBe(3);
      const body = JSON.parse((await page.locator('[data-testid=body] pre').textContent()) ?? '');
      expect(body.spec.data.hash.value).toBe(target.digestHex);
      expect(problems).toEqual([]);
      if (process.env.EXPLORER_SCREENSHOT) await page.screenshot({ path: process.env.EXPLORER_SCREENSHOT, fullPage: true });
    });

    it('serves the page with a Content-Security-Policy that allows only its own scripts', async () => {
      const res = await page.goto(`${srv.url}/`);
      const csp = (await res?.headerValue('content-security-policy')) ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("require-trusted-types-for 'script'");
      expect(csp).toContain("connect-src 'self'");
    });

    it.each([
      ['its log index', (t: Logged) => String(t.logIndex), 'log index'],
      ['its 64-hex UUID (leaf hash)', (t: Logged) => t.uuid.slice(-64).toUpperCase(), 'entry UUID (leaf hash)'],
      ['its sha256:digest', (t: Logged) => `sha256:${t.digestHex}`, 'artifact digest'],
      ['a bare 64-hex digest that is no UUID', (t: Logged) => t.digestHex, 'SHA-256 artifact digest (no entry has this UUID)'],
      ['its signer’s email', () => email, 'email address'],
    ])('finds the entry by %s', async (_what, query, via) => {
      await page.goto(`${srv.url}/?q=${encodeURIComponent(query(target))}`);
      expect(await verdictOf(page)).toEqual({ status: 'pass', text: '✓ proof verified', failed: [] });
      expect(await field(page, 'entry', 'UUID')).toBe(target.uuid);
      expect(await field(page, 'entry', 'Found by')).toBe(via);
      expect(problems).toEqual([]);
    });

    it('puts each search in the address, so Back returns to the previous one', async () => {
      await page.goto(`${srv.url}/?q=${target.logIndex}`);
      await verdictOf(page);
      await page.fill('#q', email);
      await page.press('#q', 'Enter');
      await page.waitForURL(`${srv.url}/?q=${encodeURIComponent(email)}`);
      await page.locator(`[data-testid=entry] dd[data-field="Found by"]:text-is("email address")`).waitFor();
      expect((await verdictOf(page)).status).toBe('pass');
      await page.goBack();
      await page.locator(`[data-testid=entry] dd[data-field="Found by"]:text-is("log index")`).waitFor();
      expect(await page.inputValue('#q')).toBe(String(target.logIndex));
    });

    it('lists every entry when an email names several, each a link that verifies', async () => {
      await page.goto(`${srv.url}/?q=${encodeURIComponent(sharedEmail)}`);
      const links = page.locator('[data-testid=matches] a');
      await links.first().waitFor();
      expect((await links.allTextContents()).sort()).toEqual(shared.map((s) => s.uuid).sort());
      await links.filter({ hasText: shared[1]!.uuid }).click();
      expect((await verdictOf(page)).status).toBe('pass');
      expect(await field(page, 'entry', 'UUID')).toBe(shared[1]!.uuid);
      expect(await field(page, 'identity', 'Email')).toBe(sharedEmail);
    });

    it('says so when nothing matches, or the query is none of the forms it reads', async () => {
      await page.goto(`${srv.url}/?q=${'ab'.repeat(32)}`);
      expect(await page.locator('[data-testid=matches] h2').textContent()).toBe('No entry found');
      await page.goto(`${srv.url}/?q=99`);
      expect(await page.locator('[data-testid=error]').textContent()).toMatch(/^404: /);
      await page.goto(`${srv.url}/?q=hello`);
      expect(await page.locator('[data-testid=error]').textContent()).toMatch(/^enter an entry UUID/);
    });

    it('follows the live tree size and shows the tree ID', async () => {
      await page.goto(`${srv.url}/`);
      const info = (await (await fetch(`${srv.url}/api/v1/log`)).json()) as { treeSize: number; treeID: string };
      await page.locator(`#tree-size:text-is("${info.treeSize}")`).waitFor();
      expect(await page.locator('#tree-id').textContent()).toBe(info.treeID);
      await logEntry(srv);
      await page.locator(`#tree-size:text-is("${info.treeSize + 1}")`).waitFor({ timeout: 15_000 });
      expect(await page.locator('#tree').getAttribute('data-status')).toBe('live');
    });

    const tampering: [string, (e: WireEntry) => void, string[]][] = [
      ['one inclusion-proof hash', (e) => void (e.verification.inclusionProof.hashes[1] = flipHex(e.verification.inclusionProof.hashes[1]!)), ['inclusion proof']],
      ['the checkpoint’s signature', (e) => void (e.verification.inclusionProof.checkpoint = flipCheckpointSignature(e.verification.inclusionProof.checkpoint)), ['checkpoint signature']],
      ['the proof’s root hash', (e) => void (e.verification.inclusionProof.rootHash = flipHex(e.verification.inclusionProof.rootHash)), ['inclusion proof', 'checkpoint contents']],
      // Leaf 2's path is the same in trees of 5 and 6 (its last hash is leaf 4 or the node over
      // 4 and 5), so the proof still leads to the root: only the checkpoint can tell.
      ['the tree size', (e) => void (e.verification.inclusionProof.treeSize += 1), ['checkpoint contents']],
      ['the body', (e) => void (e.body = Buffer.from('{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{}}').toString('base64')), ['leaf hash', 'inclusion proof', 'signed entry timestamp']],
      ['the integrated time', (e) => void (e.integratedTime += 1), ['signed entry timestamp']],
      ['the log ID', (e) => void (e.logID = flipHex(e.logID)), ['log ID', 'signed entry timestamp']],
      ['the log index', (e) => void (e.logIndex += 1), ['answer matches the query', 'signed entry timestamp']],
    ];
    it.each(tampering)('turns red, naming the failed check, when a proxy alters %s', async (_what, tamper, failed) => {
      proxy.tamper = tamper;
      await page.goto(`${proxy.url}/?q=${target.logIndex}`);
      const verdict = await verdictOf(page);
      expect(verdict).toEqual({ status: 'fail', text: `✗ verification failed: ${failed.join(', ')}`, failed });
      // The same lookup straight from the log is green: the proxy, not the page, made it red.
      await page.goto(`${srv.url}/?q=${target.logIndex}`);
      expect((await verdictOf(page)).status).toBe('pass');
    });

    it('shows attacker-controlled entry text as text, never as markup', async () => {
      const hostile = { apiVersion: '<img src=x onerror="window.pwned=1">', kind: '<script>window.pwned=2</script>', spec: {} };
      proxy.tamper = (e) => void (e.body = Buffer.from(JSON.stringify(hostile)).toString('base64'));
      await page.goto(`${proxy.url}/?q=${target.uuid}`);
      expect((await verdictOf(page)).failed).toContain('leaf hash');
      expect(await field(page, 'entry', 'Kind')).toBe(hostile.kind);
      expect(await field(page, 'entry', 'API version')).toBe(hostile.apiVersion);
      expect(await page.locator('#results img, #results script').count()).toBe(0);
      expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    });
  });

  it('verifies the checkpoint and SET of an Ed25519-signed log, or says it cannot', async () => {
    const srv = await startTestServer(backends()[0]!, { keyType: 'ed25519' });
    const page = await browser.newPage();
    try {
      const logged = await logEntry(srv, await ca.issueLeaf({ email: 'ed@example.com' }));
      await page.goto(`${srv.url}/?q=${logged.uuid}`);
      const ed25519 = await page.evaluate(async () => {
        const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']).catch(() => undefined);
        return pair !== undefined;
      });
      const verdict = await verdictOf(page);
      if (ed25519) {
        expect(verdict).toEqual({ status: 'pass', text: '✓ proof verified', failed: [] });
        expect(await page.locator('[data-check="checkpoint signature"] .detail').textContent()).toBe('signed by the log’s Ed25519 key');
      } else {
        expect(verdict.status).toBe('unchecked');
        expect(verdict.text).toContain('cannot check Ed25519 here');
      }
    } finally {
      await page.close();
      await srv.stop();
    }
  });
});
