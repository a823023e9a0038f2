import { BadRequestError, UnprocessableError } from '../../src/errors';
import { hashedRekordV001 } from '../../src/types/hashedrekord/v0.0.1';
import { publicKeySearchKey } from '../../src/types/search-keys';
import { hashedRekordSpec, makeCertificateAuthority, makeSigner } from './helpers';

const signer = makeSigner('ecdsa-p256');
const { digest, signature } = signer.sign(Buffer.from('artifact'));
const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('the search key of a public key', () => {
  it('is the first index key of the entries that key signed, however the PEM is wrapped', async () => {
    const entry = await hashedRekordV001.canonicalize(
      hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: signer.publicKeyPem }),
    );
    const crlf = b64(signer.publicKeyPem.replace(/\n/g, '\r\n'));
    await expect(publicKeySearchKey({ format: 'x509', content: crlf })).resolves.toBe(entry.indexKeys[0]);
  });

  it('is the first index key of the entries a certificate signed', async () => {
    const ca = await makeCertificateAuthority();
    const certificate = await ca.issue(signer.spki, { email: 'a@example.org' });
    const entry = await hashedRekordV001.canonicalize(
      hashedRekordSpec({ algorithm: 'sha256', digest, signature, publicKey: certificate }),
    );
    await expect(publicKeySearchKey({ format: 'x509', content: b64(certificate) })).resolves.toBe(entry.indexKeys[0]);
  });

  it.each([
    ['not an object', 'key', UnprocessableError],
    ['without a format', { content: b64(signer.publicKeyPem) }, UnprocessableError],
    ['of a format Rekor does not know', { format: 'jwk', content: 'e30=' }, UnprocessableError],
    ['whose content is not a TUF root', { format: 'tuf', content: 'e30=' }, BadRequestError],
    ['whose content is not a PGP key', { format: 'pgp', content: b64('not a key') }, BadRequestError],
    ['whose content is not base64', { format: 'x509', content: '%%' }, UnprocessableError],
    ['whose content is not a key', { format: 'x509', content: b64('not a key') }, BadRequestError],
  ])('cannot be made from a query %s', async (_, publicKey, errorClass) => {
    await expect(publicKeySearchKey(publicKey)).rejects.toThrow(errorClass);
  });
});
