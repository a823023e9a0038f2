import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { decodePem, encodePem, trimSpace } from '../../../src/types/pki/pem';

const der = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200' + '04'.padEnd(130, 'ab'), 'hex');
const pem = encodePem('PUBLIC KEY', der).toString('latin1');
const decode = (text: string): ReturnType<typeof decodePem> => decodePem(Buffer.from(text, 'latin1'));

describe('PEM encoding', () => {
  it('writes what node:crypto writes for a public key: 64-column lines, LF, a final newline', () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    expect(encodePem('PUBLIC KEY', spki).toString()).toBe(publicKey.export({ type: 'spki', format: 'pem' }));
  });

  it('writes an empty block as Go does, with no body line', () => {
    expect(encodePem('X', Buffer.alloc(0)).toString()).toBe('-----BEGIN X-----\n-----END X-----\n');
  });

  it('writes a body of exactly 64 characters as one line', () => {
    expect(encodePem('X', Buffer.alloc(48)).toString()).toBe(`-----BEGIN X-----\n${'A'.repeat(64)}\n-----END X-----\n`);
  });
});

describe('PEM decoding, as Go’s encoding/pem', () => {
  it('reads back what it wrote, with nothing left over', () => {
    const { block, rest } = decode(pem);
    expect(block?.type).toBe('PUBLIC KEY');
    expect(block?.bytes).toEqual(der);
    expect(rest.length).toBe(0);
  });

  it('reads CRLF line ends', () => {
    expect(decode(pem.replace(/\n/g, '\r\n')).block?.bytes).toEqual(der);
  });

  it('reads a body wrapped at any width, with spaces and tabs', () => {
    const body = der.toString('base64').replace(/.{10}/g, ' $&\t\n');
    expect(decode(`-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`).block?.bytes).toEqual(der);
  });

  it('skips text before the BEGIN line and ignores headers', () => {
    const text = `garbage\n-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\n${der.toString('base64')}\n-----END PUBLIC KEY-----\n`;
    const { block } = decode(text);
    expect(block?.bytes).toEqual(der);
    expect(block?.headers.get('Proc-Type')).toBe('4,ENCRYPTED');
  });

  it('returns what follows the block', () => {
    const { rest } = decode(pem + 'next');
    expect(rest.toString()).toBe('next');
  });

  it.each([
    ['an END line of another type', pem.replace('END PUBLIC KEY', 'END PRIVATE KEY')],
    ['no END line', pem.replace(/-----END.*\n$/, '')],
    ['text after the END line', pem.replace(/\n$/, 'x\n')],
    ['base64 without its padding', `-----BEGIN X-----\nQQ\n-----END X-----\n`],
    ['a BEGIN that does not start a line', ` ${pem}`],
    ['no PEM at all', 'hello'],
  ])('finds no block in %s', (_, text) => {
    const { block, rest } = decode(text);
    expect(block).toBeNull();
    expect(rest.toString('latin1')).toBe(text);
  });

  it('uses the last BEGIN before the first END', () => {
    const { block } = decode(`-----BEGIN A-----\n${pem}`);
    expect(block?.type).toBe('PUBLIC KEY');
  });

  it('never throws, whatever mix of PEM-like fragments it is given', () => {
    const fragment = fc.constantFrom('-----', 'BEGIN ', 'END ', 'X', ':', '\n', '\r', ' ', 'QUFB', '=', pem);
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 40 }), (parts) => {
        const { block, rest } = decodePem(Buffer.from(parts.join(''), 'latin1'));
        expect(rest.length).toBeLessThanOrEqual(parts.join('').length);
        if (block) expect(Buffer.isBuffer(block.bytes)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('trimming white space', () => {
  it('removes ASCII white space at both ends only', () => {
    expect(trimSpace(Buffer.from(' \r\n\tA B\v\f ')).toString()).toBe('A B');
  });
});
