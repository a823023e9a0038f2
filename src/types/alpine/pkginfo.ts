/**
 * `.PKGINFO` as Rekor reads it (pkg/types/alpine/apk.go parsePkginfo): gopkg.in/ini.v1
 * v1.67.3 `ini.Load` with default options, then `Section("").KeysHash()` — parser.go
 * ported line for line for those options: `key = value` split at the first '=' or ':',
 * '#'/';' comment lines, a value cut at its first '#' or ';', surrounding quotes dropped,
 * a trailing '\' continuing the line, `"""`/backtick multi-line values, `[section]` keys
 * excluded (except `[DEFAULT]`, which is the default section), the last duplicate winning.
 *
 * Works on Go byte strings (../archive/go-text.ts); keys and values come back as such.
 */
import { InvalidEntryError } from '../../errors';
import { goQuote, goString, goTrimLeftSpace, goTrimSpace } from '../archive/go-text';

export class PkginfoError extends InvalidEntryError {}

const DEFAULT_SECTION = 'DEFAULT';

class LineReader {
  private pos = 0;
  isEOF = false;

  constructor(private readonly text: string) {}

  /** bufio.Reader.ReadBytes('\n'): the next line with its '\n'; at the end, what is left and isEOF. */
  readUntilNewline(): string {
    const nl = this.text.indexOf('\n', this.pos);
    if (nl < 0) {
      const rest = this.text.slice(this.pos);
      this.pos = this.text.length;
      this.isEOF = true;
      return rest;
    }
    const line = this.text.slice(this.pos, nl + 1);
    this.pos = nl + 1;
    return line;
  }
}

function indexOfAny(s: string, chars: string): number {
  for (let i = 0; i < s.length; i++) if (chars.includes(s[i]!)) return i;
  return -1;
}

/** readKeyName: [name, offset of the value]. */
function readKeyName(line: string): [string, number] {
  let keyQuote = '';
  if (line[0] === '"') keyQuote = line.length > 6 && line.startsWith('"""') ? '"""' : '"';
  else if (line[0] === '`') keyQuote = '`';
  if (keyQuote) {
    const start = keyQuote.length;
    let pos = line.slice(start).indexOf(keyQuote);
    if (pos === -1) throw new PkginfoError(`missing closing key quote: ${goString(line)}`);
    pos += start;
    const i = indexOfAny(line.slice(pos + start), '=:');
    if (i < 0) throw new PkginfoError(`key-value delimiter not found: ${goString(line)}`);
    return [goTrimSpace(line.slice(start, pos)), pos + i + start + 1];
  }
  const end = indexOfAny(line, '=:');
  if (end < 0) throw new PkginfoError(`key-value delimiter not found: ${goString(line)}`);
  if (end === 0) throw new PkginfoError(`empty key name: ${goString(line)}`);
  return [goTrimSpace(line.slice(0, end)), end + 1];
}

function readMultilines(reader: LineReader, line: string, initial: string, quote: string): string {
  let value = initial;
  for (;;) {
    const next = reader.readUntilNewline();
    const pos = next.lastIndexOf(quote);
    if (pos > -1) {
      const rest = next.slice(pos + quote.length).replace(/[\r\n]+$/, '');
      if (goTrimSpace(rest).endsWith('\\')) {
        value += next;
        continue;
      }
      value += next.slice(0, pos);
      return value;
    }
    value += next;
    if (reader.isEOF) {
      throw new PkginfoError(`missing closing key quote from ${goQuote(line)} to ${goQuote(next)}`);
    }
  }
}

function readContinuationLines(reader: LineReader, initial: string): string {
  let value = initial;
  for (;;) {
    const next = goTrimSpace(reader.readUntilNewline());
    if (next.length === 0) return value;
    value += next;
    if (!value.endsWith('\\')) return value;
    value = value.slice(0, -1);
  }
}

const hasSurroundedQuote = (s: string, q: string): boolean =>
  s.length >= 2 && s[0] === q && s[s.length - 1] === q && s.slice(1).indexOf(q) === s.length - 2;

function readValue(reader: LineReader, input: string): string {
  let line = goTrimLeftSpace(input);
  if (line.length === 0) return '';
  let quote = '';
  if (line.length > 3 && line.startsWith('"""')) quote = '"""';
  else if (line[0] === '`') quote = '`';
  if (quote) {
    const start = quote.length;
    const pos = line.slice(start).lastIndexOf(quote);
    if (pos === -1) return readMultilines(reader, line, line.slice(start), quote);
    return line.slice(start, pos + start);
  }
  line = goTrimSpace(line);
  if (line.endsWith('\\')) return readContinuationLines(reader, line.slice(0, -1));
  const comment = indexOfAny(line, '#;');
  if (comment > -1) line = goTrimSpace(line.slice(0, comment));
  if (hasSurroundedQuote(line, "'") || hasSurroundedQuote(line, '"')) line = line.slice(1, -1);
  return line;
}

/** The default section's keys and values (byte strings). Throws PkginfoError with ini's message. */
export function parsePkginfo(input: string): Map<string, string> {
  let text = input;
  const b = (i: number): number => text.charCodeAt(i);
  if (text.length >= 2) {
    if ((b(0) === 0xfe && b(1) === 0xff) || (b(0) === 0xff && b(1) === 0xfe)) text = text.slice(2);
    else if (b(0) === 0xef && b(1) === 0xbb && text.length >= 3 && b(2) === 0xbf) text = text.slice(3);
  }
  const reader = new LineReader(text);
  const sections = new Map<string, Map<string, string>>([[DEFAULT_SECTION, new Map()]]);
  let section = sections.get(DEFAULT_SECTION)!;
  let counter = 1;
  while (!reader.isEOF) {
    const line = goTrimLeftSpace(reader.readUntilNewline());
    if (line.length === 0 || line[0] === '#' || line[0] === ';') continue;
    if (line[0] === '[') {
      const close = line.lastIndexOf(']');
      if (close === -1) throw new PkginfoError(`unclosed section: ${goString(line)}`);
      const name = line.slice(1, close);
      if (name.length === 0) throw new PkginfoError('empty section name');
      if (!sections.has(name)) sections.set(name, new Map());
      section = sections.get(name)!;
      counter = 1;
      continue;
    }
    let [name, offset] = readKeyName(line);
    if (name === '-') name = `#${counter++}`;
    const value = readValue(reader, line.slice(offset));
    if (name.length === 0) throw new PkginfoError('error creating new key: empty key name');
    section.set(name, value);
  }
  return sections.get(DEFAULT_SECTION)!;
}
