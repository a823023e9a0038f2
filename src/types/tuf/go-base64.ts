/**
 * Go's base64.StdEncoding.DecodeString with its error position (encoding/base64
 * decodeQuantum): padding required, CR and LF skipped anywhere, trailing bits ignored;
 * an error is `CorruptInputError(offset)`, printed "illegal base64 data at input byte N",
 * N a byte offset into the input.
 */
const DECODE = new Int16Array(256).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  DECODE[c.charCodeAt(0)] = i;
});

const CR = 0x0d;
const LF = 0x0a;
const PAD = 0x3d;

export type GoBase64Result = { ok: true; bytes: Buffer } | { ok: false; offset: number };

export function decodeGoBase64(src: Uint8Array): GoBase64Result {
  const out = Buffer.alloc(Math.floor(src.length / 4) * 3 + 3);
  let n = 0;
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let trailingError: number | null = null;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { ok: true, bytes: out.subarray(0, n) };
        return { ok: false, offset: si - j };
      }
      const c = src[si++]!;
      const v = DECODE[c]!;
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return { ok: false, offset: si - 1 };
      if (j === 2) {
        // "==": the second pad may follow newlines.
        while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
        if (si === src.length) return { ok: false, offset: src.length };
        if (src[si] !== PAD) return { ok: false, offset: si - 1 };
        si++;
      }
      while (si < src.length && (src[si] === LF || src[si] === CR)) si++;
      if (si < src.length) trailingError = si;
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    for (let k = 0; k < dlen - 1; k++) out[n++] = bytes[k]!;
    if (trailingError !== null) return { ok: false, offset: trailingError };
  }
  return { ok: true, bytes: out.subarray(0, n) };
}
