import fc from 'fast-check';
import { json as sigstoreJson } from '@sigstore/core';
import { canonicalJson } from '../../src/crypto';

const text = (v: unknown): string => canonicalJson(v).toString('utf8');

describe('canonicalJson (RFC 8785)', () => {
  describe('matches the RFC 8785 reference vectors (cyberphone/json-canonicalization testdata), restricted to integers', () => {
    const vectors: Array<[string, string, string]> = [
      [
        'arrays',
        '[\n  56,\n  {\n    "d": true,\n    "10": null,\n    "1": [ ]\n  }\n]',
        '[56,{"1":[],"10":null,"d":true}]',
      ],
      [
        'french',
        '{\n  "peach": "This sorting order",\n  "péché": "is wrong according to French",\n  "pêche": "but canonicalization MUST",\n  "sin":   "ignore locale"\n}',
        '{"peach":"This sorting order","péché":"is wrong according to French","pêche":"but canonicalization MUST","sin":"ignore locale"}',
      ],
      [
        'structures',
        '{\n  "1": {"f": {"f": "hi","F": 5} ,"\\n": 56.0},\n  "10": { },\n  "": "empty",\n  "a": { },\n  "111": [ {"e": "yes","E": "no" } ],\n  "A": { }\n}',
        '{"":"empty","1":{"\\n":56,"f":{"F":5,"f":"hi"}},"10":{},"111":[{"E":"no","e":"yes"}],"A":{},"a":{}}',
      ],
      ['unicode', '{\n  "Unnormalized Unicode":"A\\u030a"\n}', '{"Unnormalized Unicode":"A\u030a"}'],
      [
        'values without the float "numbers" member',
        '{\n  "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",\n  "literals": [null, true, false]\n}',
        '{"literals":[null,true,false],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
      ],
      [
        'weird',
        '{\n  "\\u20ac": "Euro Sign",\n  "\\r": "Carriage Return",\n  "\\u000a": "Newline",\n  "1": "One",\n  "\\u0080": "Control\\u007f",\n  "\\ud83d\\ude02": "Smiley",\n  "\\u00f6": "Latin Small Letter O With Diaeresis",\n  "\\ufb33": "Hebrew Letter Dalet With Dagesh",\n  "</script>": "Browser Challenge"\n}',
        '{"\\n":"Newline","\\r":"Carriage Return","1":"One","</script>":"Browser Challenge","\u0080":"Control\u007f","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\u{1f602}":"Smiley","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      ],
    ];
    it.each(vectors)('%s', (_name, input, expected) => {
      expect(text(JSON.parse(input))).toBe(expected);
    });

    it('weird.json canonicalizes to exactly the reference UTF-8 bytes (testdata/outhex/weird.txt)', () => {
      const input = JSON.parse(vectors[5]![1]) as unknown;
      const outhex = `
        7b 22 5c 6e 22 3a 22 4e 65 77 6c 69 6e 65 22 2c 22 5c 72 22 3a 22 43 61 72 72 69 61 67 65 20 52
        65 74 75 72 6e 22 2c 22 31 22 3a 22 4f 6e 65 22 2c 22 3c 2f 73 63 72 69 70 74 3e 22 3a 22 42 72
        6f 77 73 65 72 20 43 68 61 6c 6c 65 6e 67 65 22 2c 22 c2 80 22 3a 22 43 6f 6e 74 72 6f 6c 7f 22
        2c 22 c3 b6 22 3a 22 4c 61 74 69 6e 20 53 6d 61 6c 6c 20 4c 65 74 74 65 72 20 4f 20 57 69 74 68
        20 44 69 61 65 72 65 73 69 73 22 2c 22 e2 82 ac 22 3a 22 45 75 72 6f 20 53 69 67 6e 22 2c 22 f0
        9f 98 82 22 3a 22 53 6d 69 6c 65 79 22 2c 22 ef ac b3 22 3a 22 48 65 62 72 65 77 20 4c 65 74 74
        65 72 20 44 61 6c 65 74 20 57 69 74 68 20 44 61 67 65 73 68 22 7d`;
      expect(canonicalJson(input).toString('hex')).toBe(outhex.replace(/\s+/g, ''));
    });
  });

  describe('orders object members by UTF-16 code units', () => {
    it('puts an astral character (surrogate pair D83D…) before U+FB33, unlike code point order', () => {
      expect(text({ '\ufb33': 1, '\u{1f600}': 2 })).toBe('{"\u{1f600}":2,"\ufb33":1}');
    });

    it('sorts the RFC 8785 §3.2.3 example keys into the order the RFC lists', () => {
      const value = {
        '\u20ac': 'Euro Sign',
        '\r': 'Carriage Return',
        '\ufb33': 'Hebrew Letter Dalet With Dagesh',
        '1': 'One',
        '\ud83d\ude00': 'Emoji: Grinning Face',
        '\u0080': 'Control',
        '\u00f6': 'Latin Small Letter O With Diaeresis',
      };
      const keys = Object.keys(JSON.parse(text(value)) as object);
      expect(keys.map((k) => [...k].map((c) => c.codePointAt(0)!.toString(16)).join('+'))).toEqual([
        '31', // "1" — integer-like keys come first when JSON.parse rebuilds the object
        'd',
        '80',
        'f6',
        '20ac',
        '1f600',
        'fb33',
      ]);
      expect(text(value)).toBe(
        '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
          '"€":"Euro Sign","\u{1f600}":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
      );
    });

    it('sorts by code units, not by locale and not by length', () => {
      expect(text({ b: 1, a: 2, B: 3, aa: 4, 'a\u0000': 5, é: 6, e: 7 })).toBe(
        '{"B":3,"a":2,"a\\u0000":5,"aa":4,"b":1,"e":7,"é":6}',
      );
    });

    it('sorts nested objects and keeps array order', () => {
      expect(text({ z: [{ b: 1, a: 2 }, 3, [2, 1]], a: { d: null, c: false } })).toBe(
        '{"a":{"c":false,"d":null},"z":[{"a":2,"b":1},3,[2,1]]}',
      );
    });
  });

  describe('escapes strings as RFC 8785 §3.2.2.2 requires', () => {
    it('uses the short escapes for \\b \\t \\n \\f \\r, " and \\, and lowercase \\u00xx for other controls', () => {
      const all = Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)).join('');
      expect(text(all)).toBe(
        '"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r\\u000e\\u000f' +
          '\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f"',
      );
      expect(text('"\\')).toBe('"\\"\\\\"');
    });

    it('writes "/", DEL, U+2028, U+2029 and non-ASCII characters literally, as UTF-8', () => {
      const bytes = canonicalJson('/\u007f\u2028\u2029é€😀');
      expect(bytes.toString('hex')).toBe('222f7fe280a8e280a9c3a9e282acf09f988022');
    });

    it('escapes member names the same way as values', () => {
      expect(text({ 'a"b\n': 'x' })).toBe('{"a\\"b\\n":"x"}');
    });

    it('refuses strings with unpaired surrogates, which have no UTF-8 form', () => {
      expect(() => canonicalJson('\ud800')).toThrow(/unpaired surrogate/);
      expect(() => canonicalJson({ '\udc00x': 1 })).toThrow(/unpaired surrogate/);
      expect(() => canonicalJson(['a\ude00'])).toThrow(TypeError);
    });
  });

  describe('numbers', () => {
    it('writes safe integers in decimal, and -0 as 0', () => {
      expect(text([0, -0, 1, -1, 1700000000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])).toBe(
        '[0,0,1,-1,1700000000,9007199254740991,-9007199254740991]',
      );
    });

    it.each([
      ['a fraction', 1.5],
      ['NaN', NaN],
      ['Infinity', Infinity],
      ['an integer beyond 2^53', 2 ** 53],
      ['1e21', 1e21],
    ])('throws for %s, which glasslog never emits', (_name, n) => {
      expect(() => canonicalJson({ n })).toThrow(/not a safe integer/);
    });
  });

  describe('refuses values JSON cannot carry faithfully', () => {
    it.each([
      ['a bigint', 1n],
      ['a function', () => 1],
      ['a symbol', Symbol('x')],
      ['undefined at the top level', undefined],
      ['undefined in an array', [1, undefined]],
      ['a Buffer', Buffer.from('ab')],
      ['a Date', new Date(0)],
      ['a Map', new Map()],
      ['a class instance', new (class Foo {})()],
    ])('throws for %s', (_name, v) => {
      expect(() => canonicalJson(v)).toThrow(TypeError);
    });

    it('throws for a cycle', () => {
      const a: Record<string, unknown> = {};
      a.self = a;
      expect(() => canonicalJson(a)).toThrow(/cycle/);
    });

    it('accepts the same object twice when it is not a cycle', () => {
      const shared = { x: 1 };
      expect(text({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    });

    it('leaves out members whose value is undefined, as JSON.stringify does', () => {
      expect(text({ a: 1, b: undefined })).toBe('{"a":1}');
    });

    it('accepts objects without a prototype', () => {
      const o = Object.create(null) as Record<string, unknown>;
      o.b = 1;
      o.a = 2;
      expect(text(o)).toBe('{"a":2,"b":1}');
    });
  });

  describe('properties', () => {
    const jsonValue = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.maxSafeInteger(),
        fc.string({ unit: 'grapheme' }),
        fc.string({ unit: 'binary' }),
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
      ),
    })).value;

    it('parses back to the same value, and canonicalizing that again gives the same bytes', () => {
      fc.assert(
        fc.property(jsonValue, (v) => {
          const bytes = canonicalJson(v);
          const parsed = JSON.parse(bytes.toString('utf8')) as unknown;
          expect(parsed).toEqual(JSON.parse(JSON.stringify(v)));
          expect(canonicalJson(parsed).equals(bytes)).toBe(true);
        }),
      );
    });

    it("agrees byte for byte with sigstore-js's canonicalizer (used to rebuild SET payloads)", () => {
      fc.assert(
        fc.property(jsonValue, (v) => {
          expect(canonicalJson(v).toString('utf8')).toBe(sigstoreJson.canonicalize(v));
        }),
      );
    });

    it('has no insignificant whitespace', () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.maxSafeInteger()), (v) => {
          const s = text(v);
          const outsideStrings = s.replace(/"(?:[^"\\]|\\.)*"/g, '');
          expect(outsideStrings).not.toMatch(/\s/);
        }),
      );
    });
  });
});
