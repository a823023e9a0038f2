/** Base64 as Go's encoding/base64 decodes it (StdEncoding and URLEncoding, padded). */
import { decodeGoStdBase64, decodeGoUrlBase64, isGoStdBase64 } from '../../src/types/base64';

describe('Go base64', () => {
  it.each([
    ['', ''],
    ['QQ==', '41'],
    ['QUI=', '4142'],
    ['QUJD', '414243'],
    ['QU\r\nJD', '414243'], // CR and LF are skipped anywhere
    ['/+8=', 'ffef'],
  ])('decodes %j (standard alphabet)', (text, hex) => {
    expect(isGoStdBase64(text)).toBe(true);
    expect(decodeGoStdBase64(text)?.toString('hex')).toBe(hex);
  });

  it.each(['Q', 'QQ', 'QQ=', 'QQ===', 'Q===', '=QQQ', 'QQ=Q', 'QU JD', '_-8=', 'QUJD\t', 'QUJD!'])('refuses %j (standard alphabet)', (text) => {
    expect(isGoStdBase64(text)).toBe(false);
    expect(decodeGoStdBase64(text)).toBeNull();
  });

  it('reads the URL-safe alphabet only where asked', () => {
    expect(decodeGoUrlBase64('_-8=')?.toString('hex')).toBe('ffef');
    expect(decodeGoUrlBase64('/+8=')).toBeNull();
  });

  it('scans many megabytes without exhausting the stack (no backtracking regex)', () => {
    const big = 'QUJD'.repeat(2_000_000); // 8 MB of base64
    expect(isGoStdBase64(big)).toBe(true);
    expect(decodeGoStdBase64(big)?.length).toBe(6_000_000);
    expect(isGoStdBase64(big + '!')).toBe(false);
  });
});
