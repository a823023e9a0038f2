/**
 * RFC 8785 canonicalization exactly as Rekor applies it to TUF documents:
 * `jsoncanonicalizer.Transform` of github.com/cyberphone/json-canonicalization (the Go
 * version pinned by Rekor, 20220623), run over `json.Marshal(data.Signed)` — bytes that
 * carry the client's `signed` member verbatim (pkg/pki/tuf/tuf.go CanonicalValue).
 *
 * Why not src/crypto's canonicalJson: that one takes JS values and safe integers only,
 * whereas this works on bytes and keeps the Go canonicalizer's own behaviour:
 * - strings are decoded by its parser, not Go's: raw bytes are copied as they are (invalid
 *   UTF-8 included), a \u escape of a surrogate must be followed by another \u escape
 *   ("Missing surrogate" otherwise) and the two are joined — U+FFFD if they do not pair;
 * - output escapes only `\` `"` \b \f \n \r \t and other controls (\u00xx);
 * - numbers are parsed as float64 and written the ECMAScript way (any magnitude);
 * - members are sorted by the UTF-16 code units of their names, and two equal names are an
 *   error ("Duplicate key: …"), not a last-wins.
 * Errors throw InvalidEntryError with the canonicalizer's text. (Rekor answers those with
 * 500 "error generating canonicalized entry": see v0.0.1.ts.)
 *
 * Two iterative passes over the parsed tree (documents may nest 10000 deep): the first
 * checks every token and orders each object's members, reporting the first error in
 * document order as the Go code does; the second writes the output.
 */
import { isUtf8 } from 'node:buffer';
import { InvalidEntryError } from '../../errors';
import { decodeRune, parseDocument, type GoDocument, type GoNode } from './go-json';

const ESCAPES: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t' };
const UNESCAPES: Record<number, number> = { 0x5c: 0x5c, 0x22: 0x22, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x2f: 0x2f };

function fail(message: string): never {
  throw new InvalidEntryError(message);
}

/** The canonicalizer's parseQuotedString over the (valid JSON) token src[start, end). */
function parseQuotedString(src: Buffer, start: number, end: number): Buffer {
  const last = end - 1;
  const escapeAt = src.subarray(start + 1, last).indexOf(0x5c);
  if (escapeAt < 0) return src.subarray(start + 1, last);
  const firstEscape = start + 1 + escapeAt;
  const parts: Buffer[] = [];
  let run = start + 1;
  let i = firstEscape;
  const hex4 = (): number => {
    const text = src.toString('latin1', i, i + 4);
    i += 4;
    return parseInt(text, 16);
  };
  while (i < last) {
    if (src[i] !== 0x5c) {
      i++;
      continue;
    }
    parts.push(src.subarray(run, i));
    const e = src[i + 1]!;
    i += 2;
    if (e === 0x75) {
      const first = hex4();
      let rune = first;
      if (first >= 0xd800 && first < 0xe000) {
        // It reads two more characters, whatever they are (the closing quote included).
        if (src[i] !== 0x5c || src[i + 1] !== 0x75) fail('Missing surrogate');
        i += 2;
        const second = hex4();
        const paired = first < 0xdc00 && second >= 0xdc00 && second < 0xe000;
        rune = paired ? 0x10000 + ((first - 0xd800) << 10) + (second - 0xdc00) : 0xfffd;
      }
      parts.push(Buffer.from(String.fromCodePoint(rune), 'utf8'));
    } else {
      const unescaped = UNESCAPES[e];
      if (unescaped === undefined) fail(`Unexpected escape: \\${String.fromCharCode(e)}`);
      parts.push(Buffer.from([unescaped]));
    }
    run = i;
  }
  parts.push(src.subarray(run, last));
  return Buffer.concat(parts);
}

/** A growing output buffer. */
class ByteWriter {
  private buf = Buffer.allocUnsafe(1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
  }

  ascii(text: string): void {
    this.reserve(text.length);
    this.length += this.buf.write(text, this.length, 'latin1');
  }

  result(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }
}

/** The canonicalizer's decorateString, written to `out`. */
function decorateString(bytes: Buffer, out: ByteWriter): void {
  out.ascii('"');
  let run = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i]!;
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out.bytes(bytes.subarray(run, i));
    out.ascii(ESCAPES[c] ?? `\\u${c.toString(16).padStart(4, '0')}`);
    run = i + 1;
  }
  out.bytes(bytes.subarray(run));
  out.ascii('"');
}

/** `utf16.Encode([]rune(s))` as a JS string: Go's rune conversion, one U+FFFD per invalid byte. */
function utf16SortKey(bytes: Buffer): string {
  if (isUtf8(bytes)) return bytes.toString('utf8');
  let key = '';
  for (let i = 0; i < bytes.length; ) {
    const [r, size] = decodeRune(bytes, i);
    key += String.fromCodePoint(r < 0 ? 0xfffd : r);
    i += size;
  }
  return key;
}

/** ParseFloat then NumberToJSON: ECMAScript's Number-to-string, -0 written 0. */
function numberText(literal: string): string {
  const n = Number(literal);
  if (!Number.isFinite(n)) fail(`strconv.ParseFloat: parsing ${JSON.stringify(literal)}: value out of range`);
  return String(n);
}

interface Member {
  sortKey: string;
  name: Buffer;
  index: number;
}

/** Check the tree in document order; return each object's members in canonical order. */
function orderMembers(doc: GoDocument): Map<GoNode, Member[]> {
  const { src } = doc;
  const order = new Map<GoNode, Member[]>();
  const checkLeaf = (node: GoNode): void => {
    if (node.type === 'string') parseQuotedString(src, node.start, node.end);
    else if (node.type === 'number') numberText(src.toString('latin1', node.start, node.end));
  };
  type Frame = { node: GoNode; i: number; members: Member[]; seen: Map<string, Buffer> };
  const isContainer = (node: GoNode): boolean => node.type === 'object' || node.type === 'array';
  const open = (node: GoNode): Frame => ({ node, i: 0, members: [], seen: new Map() });
  /** After a member's value: the duplicate check (Go makes it only once the value is parsed). */
  const finishMember = (frame: Frame): void => {
    if (frame.node.type !== 'object') return;
    const member = frame.members[frame.members.length - 1]!;
    const earlier = frame.seen.get(member.sortKey);
    if (earlier) fail(`Duplicate key: ${earlier.toString('utf8')}`);
    frame.seen.set(member.sortKey, member.name);
  };
  if (!isContainer(doc.root)) {
    checkLeaf(doc.root);
    return order;
  }
  const stack: Frame[] = [open(doc.root)];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const { node } = frame;
    const children = node.values!;
    if (frame.i >= children.length) {
      stack.pop();
      if (node.type === 'object') order.set(node, frame.members.sort((a, b) => (a.sortKey < b.sortKey ? -1 : 1)));
      const parent = stack[stack.length - 1];
      if (parent) finishMember(parent);
      continue;
    }
    const index = frame.i++;
    if (node.type === 'object') {
      const name = parseQuotedString(src, node.keySpans![2 * index]!, node.keySpans![2 * index + 1]!);
      frame.members.push({ sortKey: utf16SortKey(name), name, index });
    }
    const child = children[index]!;
    if (isContainer(child)) {
      stack.push(open(child));
    } else {
      checkLeaf(child);
      finishMember(frame);
    }
  }
  return order;
}

/** jsoncanonicalizer.Transform(src) for valid JSON `src` (an object or array at the top). */
export function jcsTransform(src: Buffer): Buffer {
  const doc = parseDocument(src);
  const order = orderMembers(doc);
  const out = new ByteWriter();
  const leaf = (node: GoNode): void => {
    switch (node.type) {
      case 'string':
        decorateString(parseQuotedString(src, node.start, node.end), out);
        return;
      case 'number':
        out.ascii(numberText(src.toString('latin1', node.start, node.end)));
        return;
      default:
        out.ascii(node.type);
    }
  };
  type Frame = { node: GoNode; members: Member[] | undefined; i: number };
  const stack: Frame[] = [];
  const enter = (node: GoNode): void => {
    if (node.type === 'object' || node.type === 'array') {
      out.ascii(node.type === 'object' ? '{' : '[');
      stack.push({ node, members: order.get(node), i: 0 });
    } else {
      leaf(node);
    }
  };
  enter(doc.root);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const count = frame.node.values!.length;
    if (frame.i >= count) {
      out.ascii(frame.node.type === 'object' ? '}' : ']');
      stack.pop();
      continue;
    }
    const k = frame.i++;
    if (k > 0) out.ascii(',');
    if (frame.members) {
      const member = frame.members[k]!;
      decorateString(member.name, out);
      out.ascii(':');
      enter(frame.node.values![member.index]!);
    } else {
      enter(frame.node.values![k]!);
    }
  }
  return out.result();
}
