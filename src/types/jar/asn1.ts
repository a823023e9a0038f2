/**
 * Go encoding/asn1 decisions for the PKCS#7 structures relic unmarshals (sassoftware/relic
 * lib/pkcs7, lib/pkcs9): strict DER element reading (src/types/pki/der.ts), struct fields
 * read one after another with optional fields skipped by tag, elements after the last
 * field ignored (Go allows them), INTEGERs minimally encoded, OIDs as Go parses them.
 */
import { InvalidEntryError } from '../../errors';
import { DerError, readElement, type DerElement } from '../pki/der';

export class Asn1Error extends InvalidEntryError {}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
  CONTEXT_0: 0xa0,
  CONTEXT_1: 0xa1,
} as const;

/** Whether a DerError is one Go reports as asn1.SyntaxError (truncation, indefinite length). */
export function isSyntaxError(err: unknown): boolean {
  return err instanceof DerError && /^(truncated|indefinite)/.test(err.message);
}

function structural(detail: string): Asn1Error {
  return new Asn1Error(`asn1: structure error: ${detail}`);
}

/** Read one element at `offset` of `input`, with Go's error wording. */
export function element(input: Buffer, offset = 0): { element: DerElement; next: number } {
  try {
    return readElement(input, offset);
  } catch (err) {
    if (err instanceof DerError) {
      throw new Asn1Error(isSyntaxError(err) ? `asn1: syntax error: ${err.message}` : `asn1: structure error: ${err.message}`);
    }
    throw err;
  }
}

/** Reads a constructed value's content field by field, as Go's parseField walks a struct. */
export class FieldReader {
  private offset = 0;
  private peeked: { element: DerElement; next: number } | undefined;

  constructor(private readonly content: Buffer) {}

  /** The next element, or undefined at the end; a malformed element throws. */
  peek(): DerElement | undefined {
    if (this.offset >= this.content.length) return undefined;
    this.peeked ??= element(this.content, this.offset);
    return this.peeked.element;
  }

  /** A required field with tag `tag` (any tag when undefined, as for a RawValue). */
  required(tag: number | undefined, what: string): DerElement {
    const next = this.peek();
    if (!next) throw new Asn1Error('asn1: syntax error: sequence truncated');
    if (tag !== undefined && next.tag !== tag) throw structural(`tags don't match (${what})`);
    return this.take();
  }

  /** An optional field: taken when the next element has `tag`. */
  optional(tag: number): DerElement | undefined {
    return this.peek()?.tag === tag ? this.take() : undefined;
  }

  private take(): DerElement {
    const taken = this.peeked!;
    this.offset = taken.next;
    this.peeked = undefined;
    return taken.element;
  }
}

/** Every element of a SEQUENCE OF / SET OF content; each must have `tag` unless undefined. */
export function sequenceOf(content: Buffer, tag: number | undefined, what: string): DerElement[] {
  const out: DerElement[] = [];
  for (let offset = 0; offset < content.length; ) {
    const read = element(content, offset);
    if (tag !== undefined && read.element.tag !== tag) throw structural(`sequence tag mismatch (${what})`);
    out.push(read.element);
    offset = read.next;
  }
  return out;
}

function checkInteger(el: DerElement, what: string): void {
  if (el.tag !== TAG.INTEGER) throw structural(`tags don't match (${what})`);
  const c = el.content;
  if (c.length === 0) throw structural('empty integer');
  if (c.length > 1 && ((c[0] === 0 && c[1]! < 0x80) || (c[0] === 0xff && c[1]! >= 0x80))) {
    throw structural('integer not minimally-encoded');
  }
}

/** A two's complement INTEGER of any size (Go *big.Int). */
export function bigInteger(el: DerElement, what: string): bigint {
  checkInteger(el, what);
  let value = BigInt(`0x${el.content.toString('hex')}`);
  if (el.content[0]! & 0x80) value -= 1n << BigInt(el.content.length * 8);
  return value;
}

/** An INTEGER into a Go int (64 bits). */
export function goInt(el: DerElement, what: string): bigint {
  checkInteger(el, what);
  if (el.content.length > 8) throw structural('integer too large');
  return bigInteger(el, what);
}

/** An OBJECT IDENTIFIER as Go parses it (arcs of at most 31 bits, minimal base-128). */
export function objectIdentifier(el: DerElement, what: string): string {
  if (el.tag !== TAG.OID) throw structural(`tags don't match (${what})`);
  const c = el.content;
  if (c.length === 0) throw new Asn1Error('asn1: syntax error: zero length OBJECT IDENTIFIER');
  const arcs: number[] = [];
  for (let i = 0; i < c.length; ) {
    let value = 0;
    let shifted = 0;
    for (;;) {
      if (i >= c.length) throw new Asn1Error('asn1: syntax error: truncated base 128 integer');
      const b = c[i++]!;
      if (shifted === 5) throw structural('base 128 integer too large');
      if (shifted === 0 && b === 0x80) throw new Asn1Error('asn1: syntax error: integer is not minimally encoded');
      value = value * 128 + (b & 0x7f);
      shifted++;
      if (!(b & 0x80)) break;
    }
    if (value > 0x7fffffff) throw structural('base 128 integer too large');
    arcs.push(value);
  }
  const first = arcs[0]!;
  const head = first < 80 ? [Math.floor(first / 40), first % 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

/** An OCTET STRING into a Go []byte. */
export function octetString(el: DerElement, what: string): Buffer {
  if (el.tag !== TAG.OCTET_STRING) throw structural(`tags don't match (${what})`);
  return el.content;
}

/** DER tag-length-value with a minimal length. */
export function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  let header: Buffer;
  if (n < 0x80) header = Buffer.from([tag, n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    header = Buffer.from([tag, 0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([header, content]);
}

/** Go's marshalling of a SET OF: the encoded elements sorted bytewise. */
export function sortedSet(elements: Buffer[]): Buffer {
  return tlv(TAG.SET, Buffer.concat([...elements].sort(Buffer.compare)));
}
