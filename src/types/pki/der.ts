/**
 * A small strict DER reader: just enough ASN.1 to make the same accept/reject decisions as
 * Go's encoding/asn1 and crypto/x509 where node:crypto (OpenSSL) is more lenient —
 * trailing bytes, compressed EC points, key parameters, SAN syntax, ECDSA signature shape.
 *
 * Like Go, it refuses indefinite lengths, non-minimal length encodings and high tag numbers.
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

export const TAG_BOOLEAN = 0x01;
export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_OCTET_STRING = 0x04;
export const TAG_NULL = 0x05;
export const TAG_OID = 0x06;
export const TAG_UTF8_STRING = 0x0c;
export const TAG_SEQUENCE = 0x30;

export interface DerElement {
  /** The identifier octet: class, constructed bit and tag number together. */
  tag: number;
  /** The content octets. */
  content: Buffer;
  /** The whole element: identifier, length and content. */
  raw: Buffer;
}

/** Read one element at `offset`; `next` is the offset just past it. */
export function readElement(input: Buffer, offset = 0): { element: DerElement; next: number } {
  if (offset + 2 > input.length) throw new DerError('truncated element');
  const tag = input[offset]!;
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
  let length = input[offset + 1]!;
  let header = 2;
  if (length === 0x80) throw new DerError('indefinite length');
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4) throw new DerError('length too large');
    if (offset + 2 + count > input.length) throw new DerError('truncated length');
    if (input[offset + 2] === 0) throw new DerError('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[offset + 2 + i]!;
    if (length < 0x80) throw new DerError('non-minimal length');
    header += count;
  }
  const end = offset + header + length;
  if (end > input.length) throw new DerError('truncated content');
  return {
    element: { tag, content: input.subarray(offset + header, end), raw: input.subarray(offset, end) },
    next: end,
  };
}

/** The single element that `input` must consist of, with nothing after it. */
export function readSingle(input: Buffer, expectedTag?: number): DerElement {
  const { element, next } = readElement(input, 0);
  if (next !== input.length) throw new DerError('trailing data');
  if (expectedTag !== undefined) expectTag(element, expectedTag);
  return element;
}

/** The elements of a constructed value's content, in order. */
export function readChildren(content: Buffer): DerElement[] {
  const children: DerElement[] = [];
  let offset = 0;
  while (offset < content.length) {
    const { element, next } = readElement(content, offset);
    children.push(element);
    offset = next;
  }
  return children;
}

export function expectTag(element: DerElement, tag: number): void {
  if (element.tag !== tag) {
    throw new DerError(`expected tag 0x${tag.toString(16)}, found 0x${element.tag.toString(16)}`);
  }
}

/** Dotted decimal form of an OBJECT IDENTIFIER's content. */
export function decodeOid(content: Buffer): string {
  if (content.length === 0) throw new DerError('empty OID');
  const arcs: number[] = [];
  let value = 0;
  let fresh = true;
  for (const byte of content) {
    if (fresh && byte === 0x80) throw new DerError('non-minimal OID arc');
    value = value * 128 + (byte & 0x7f);
    fresh = (byte & 0x80) === 0;
    if (fresh) {
      arcs.push(value);
      value = 0;
    }
  }
  if (!fresh) throw new DerError('truncated OID');
  const first = arcs[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** Whether an INTEGER's content is minimally encoded, as DER (and Go) require. */
export function isMinimalInteger(content: Buffer): boolean {
  if (content.length === 0) return false;
  if (content.length === 1) return true;
  const [a, b] = [content[0]!, content[1]!];
  return !((a === 0x00 && b < 0x80) || (a === 0xff && b >= 0x80));
}
