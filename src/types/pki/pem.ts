/**
 * PEM exactly as Go's encoding/pem reads and writes it, because Rekor's canonical public
 * key content is whatever Go's `pem.Decode` finds and `pem.EncodeToMemory` writes back
 * (sigstore/rekor pkg/pki/x509/x509.go NewPublicKey, CanonicalValue).
 *
 * Decoding (Go ≥ 1.25 `pem.Decode`): find the first `-----END ` line, take the last
 * `-----BEGIN ` line before it that starts a line, accept optional `Key: value` headers,
 * skip spaces and tabs in the body, CR and LF anywhere (base64 decoding ignores them), and
 * require the END line to name the same type. Text before BEGIN is skipped. Encoding:
 * no headers, 64-character base64 lines, `\n` line ends, a final newline.
 */
import { decodeGoStdBase64 } from '../base64';

export interface PemBlock {
  type: string;
  headers: Map<string, string>;
  bytes: Buffer;
}

const PEM_START = '\n-----BEGIN ';
const PEM_END = '\n-----END ';
const PEM_END_OF_LINE = '-----';

/** Go's getLine: the first line without its CR/LF and trailing blanks, the rest, and how much was used. */
function getLine(text: string): [line: string, rest: string, consumed: number] {
  let i = text.indexOf('\n');
  let j: number;
  if (i < 0) {
    i = text.length;
    j = i;
  } else {
    j = i + 1;
    if (i > 0 && text[i - 1] === '\r') i--;
  }
  return [text.slice(0, i).replace(/[ \t]+$/, ''), text.slice(j), j];
}

const trimAsciiSpace = (s: string): string => s.replace(/^[\t\n\v\f\r ]+|[\t\n\v\f\r ]+$/g, '');

/**
 * The next PEM block in `data` and what follows it, or `block: null` (and `rest` = `data`)
 * when Go would find none.
 */
export function decodePem(data: Buffer): { block: PemBlock | null; rest: Buffer } {
  // latin1 maps bytes to UTF-16 code units one to one, so string offsets are byte offsets.
  const input = data.toString('latin1');
  const none = { block: null, rest: data };
  let rest = input;
  let endTrailerIndex = 0;
  for (;;) {
    // Go slices here unchecked; an index outside `rest` would panic there. We give up instead.
    if (endTrailerIndex < 0 || endTrailerIndex > rest.length) return none;
    rest = rest.slice(endTrailerIndex);
    let endIndex = rest.indexOf(PEM_END);
    if (endIndex < 0) return none;
    endTrailerIndex = endIndex + PEM_END.length;
    const beginIndex = rest.slice(0, endIndex).lastIndexOf(PEM_START.slice(1));
    if (beginIndex < 0 || (beginIndex > 0 && rest[beginIndex - 1] !== '\n')) continue;
    const skip = beginIndex + PEM_START.length - 1;
    rest = rest.slice(skip);
    endIndex -= skip;
    endTrailerIndex -= skip;

    let typeLine: string;
    let consumed: number;
    [typeLine, rest, consumed] = getLine(rest);
    if (!typeLine.endsWith(PEM_END_OF_LINE)) continue;
    endIndex -= consumed;
    endTrailerIndex -= consumed;
    const type = typeLine.slice(0, typeLine.length - PEM_END_OF_LINE.length);

    const headers = new Map<string, string>();
    for (;;) {
      if (rest.length === 0) return none;
      const [line, next, used] = getLine(rest);
      const colon = line.indexOf(':');
      if (colon < 0) break;
      headers.set(trimAsciiSpace(line.slice(0, colon)), trimAsciiSpace(line.slice(colon + 1)));
      rest = next;
      endIndex -= used;
      endTrailerIndex -= used;
    }
    if (headers.size > 0 && endIndex < 0) continue;
    if (endTrailerIndex < 0) return none;

    const trailerLength = type.length + PEM_END_OF_LINE.length;
    const endTrailer = rest.slice(endTrailerIndex);
    if (endTrailer.length < trailerLength) continue;
    const trailer = endTrailer.slice(0, trailerLength);
    if (!trailer.startsWith(type) || !trailer.endsWith(PEM_END_OF_LINE)) continue;
    if (getLine(endTrailer.slice(trailerLength))[0].length !== 0) continue;

    let bytes: Buffer = Buffer.alloc(0);
    if (endIndex > 0) {
      const decoded = decodeGoStdBase64(rest.slice(0, endIndex).replace(/[ \t]/g, ''));
      if (decoded === null) continue;
      bytes = decoded;
    }
    // The END line may have been matched without its leading newline (empty body): hence -1.
    const [, after] = getLine(rest.slice(endIndex + PEM_END.length - 1));
    return {
      block: { type: Buffer.from(type, 'latin1').toString('utf8'), headers, bytes },
      rest: Buffer.from(after, 'latin1'),
    };
  }
}

/** Go's `pem.EncodeToMemory(&pem.Block{Type: type, Bytes: der})`. */
export function encodePem(type: string, der: Buffer): Buffer {
  const body = der.toString('base64').replace(/.{64}/g, '$&\n');
  const lines = body.length === 0 || body.endsWith('\n') ? body : `${body}\n`;
  return Buffer.from(`-----BEGIN ${type}-----\n${lines}-----END ${type}-----\n`, 'utf8');
}

/** Go's `bytes.TrimSpace`, for the ASCII white space that PEM inputs carry in practice. */
export function trimSpace(data: Buffer): Buffer {
  let start = 0;
  let end = data.length;
  const isSpace = (b: number): boolean => b === 0x20 || (b >= 0x09 && b <= 0x0d);
  while (start < end && isSpace(data[start]!)) start++;
  while (end > start && isSpace(data[end - 1]!)) end--;
  return data.subarray(start, end);
}
