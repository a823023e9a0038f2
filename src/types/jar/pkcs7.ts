/**
 * PKCS#7 SignedData as Rekor's jar kind handles it:
 *
 * - parsing: sassoftware/relic lib/pkcs7 (structs.go, marshal.go Unmarshal — strict DER,
 *   trailing NUL bytes tolerated, anything else "trailing garbage");
 * - verification: relic lib/pkcs7/verify.go (SignedData.Verify, SignerInfo.Verify:
 *   messageDigest attribute, signature over the DER SET of the signed attributes, signer
 *   found by issuer and serial, RSA PKCS#1 v1.5 / RSA-PSS / ECDSA via lib/x509tools
 *   PkixVerify with the retry without DigestInfo) and lib/pkcs9 (an RFC 3161 timestamp
 *   token, or a legacy counter-signature, must verify too). No chain, trust root, validity
 *   period or key usage is checked — exactly as upstream;
 * - canonical form: sigstore/rekor pkg/pki/pkcs7/pkcs7.go NewSignature (Detach, then
 *   asn1.Marshal) and NewPublicKey (the first certificate of the bundle, not the signer's).
 *
 * The crypto is node:crypto (RSA public operation) and the ECDSA digest verifier of
 * src/types/pki. Every refusal is an InvalidEntryError (400), with relic's/Go's wording
 * where it can be reproduced.
 */
import { constants, createHash, publicDecrypt } from 'node:crypto';
import { InvalidEntryError } from '../../errors';
import { parseCertificate, type ParsedCertificate } from '../pki/certificate';
import type { DerElement } from '../pki/der';
import { verifyEcdsaDigest } from '../pki/ecdsa-digest';
import { decodePem, encodePem } from '../pki/pem';
import type { SubjectPublicKey } from '../pki/public-key';
import {
  Asn1Error,
  FieldReader,
  TAG,
  bigInteger,
  element,
  goInt,
  isSyntaxError,
  objectIdentifier,
  octetString,
  sequenceOf,
  sortedSet,
  tlv,
} from './asn1';

export class Pkcs7Error extends InvalidEntryError {}

const OID_MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const OID_SIGNING_TIME = '1.2.840.113549.1.9.5';
const OID_COUNTER_SIGNATURE = '1.2.840.113549.1.9.6';
const OID_TIMESTAMP_TOKEN = '1.2.840.113549.1.9.16.2.14';
const OID_SPC_TIMESTAMP_TOKEN = '1.3.6.1.4.1.311.3.3.1';
const OID_MGF1 = '1.2.840.113549.1.1.8';
const OID_RSA_PSS = '1.2.840.113549.1.1.10';

export type HashName = 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** x509tools.HashOids. */
const HASH_BY_OID: Record<string, HashName> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const OID_BY_HASH = Object.fromEntries(Object.entries(HASH_BY_OID).map(([oid, hash]) => [hash, oid])) as Record<HashName, string>;
const HASH_SIZE: Record<HashName, number> = { md5: 16, sha1: 20, sha224: 28, sha256: 32, sha384: 48, sha512: 64 };

/** x509tools sigAlgInfos: signature algorithm OID → key type and the digest it implies (undefined: none). */
const SIG_ALG_INFO: Record<string, { key: 'rsa' | 'dsa' | 'ecdsa'; hash?: HashName }> = {
  '1.2.840.113549.1.1.1': { key: 'rsa' },
  [OID_RSA_PSS]: { key: 'rsa' },
  '1.2.840.10040.4.1': { key: 'dsa' },
  '1.2.840.10045.2.1': { key: 'ecdsa' },
  '1.2.840.113549.1.1.4': { key: 'rsa', hash: 'md5' },
  '1.2.840.113549.1.1.5': { key: 'rsa', hash: 'sha1' },
  '1.3.14.3.2.29': { key: 'rsa', hash: 'sha1' },
  '1.2.840.113549.1.1.11': { key: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { key: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { key: 'rsa', hash: 'sha512' },
  '1.2.840.10040.4.3': { key: 'dsa', hash: 'sha1' },
  '2.16.840.1.101.3.4.3.2': { key: 'dsa', hash: 'sha256' },
  '1.2.840.10045.4.1': { key: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.2': { key: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { key: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { key: 'ecdsa', hash: 'sha512' },
};

/** DER DigestInfo prefixes (Go crypto/rsa hashPrefixes). */
const DIGEST_INFO_PREFIX: Record<HashName, string> = {
  md5: '3020300c06082a864886f70d020505000410',
  sha1: '3021300906052b0e03021a05000414',
  sha224: '302d300d06096086480165030402040500041c',
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

export interface AlgorithmIdentifier {
  oid: string;
  /** The OID element as encoded. */
  oidRaw: Buffer;
  /** The parameters element, when present (Go: Parameters RawValue, optional). */
  params?: DerElement;
}

export interface Attribute {
  oid: string;
  /** Go: Values asn1.RawValue — any element, normally the SET of values. */
  values: DerElement;
}

export interface SignerInfo {
  /** The whole SignerInfo as encoded (Go's RawContent), re-emitted verbatim. */
  raw: Buffer;
  issuerRaw: Buffer;
  serial: bigint;
  digestAlgorithm: AlgorithmIdentifier;
  authenticatedAttributes: Attribute[];
  digestEncryptionAlgorithm: AlgorithmIdentifier;
  encryptedDigest: Buffer;
  unauthenticatedAttributes: Attribute[];
}

export interface SignedData {
  versionRaw: Buffer;
  digestAlgorithms: AlgorithmIdentifier[];
  /** The encapsulated ContentInfo as encoded, and its contentType OID element. */
  contentInfoRaw: Buffer;
  contentTypeRaw: Buffer;
  /** The certificates field's elements, or undefined when the field is absent. */
  certificates?: Buffer[];
  crls?: Buffer[];
  signerInfos: SignerInfo[];
}

export interface ContentInfoSignedData {
  contentTypeRaw: Buffer;
  content?: SignedData;
}

function algorithmIdentifier(el: DerElement, what: string): AlgorithmIdentifier {
  if (el.tag !== TAG.SEQUENCE) throw new Asn1Error(`asn1: structure error: tags don't match (${what})`);
  const fields = new FieldReader(el.content);
  const oidEl = fields.required(TAG.OID, what);
  const next = fields.peek();
  return { oid: objectIdentifier(oidEl, what), oidRaw: oidEl.raw, params: next ? fields.required(undefined, what) : undefined };
}

function attributes(el: DerElement | undefined): Attribute[] {
  if (!el) return [];
  return sequenceOf(el.content, TAG.SEQUENCE, 'Attribute').map((attr) => {
    const fields = new FieldReader(attr.content);
    const oid = objectIdentifier(fields.required(TAG.OID, 'Attribute.Type'), 'Attribute.Type');
    return { oid, values: fields.required(undefined, 'Attribute.Values') };
  });
}

function signerInfo(el: DerElement): SignerInfo {
  const fields = new FieldReader(el.content);
  goInt(fields.required(TAG.INTEGER, 'SignerInfo.Version'), 'SignerInfo.Version');
  const issuerAndSerial = new FieldReader(fields.required(TAG.SEQUENCE, 'IssuerAndSerial').content);
  const issuer = issuerAndSerial.required(undefined, 'IssuerAndSerial.IssuerName');
  const serial = bigInteger(issuerAndSerial.required(TAG.INTEGER, 'IssuerAndSerial.SerialNumber'), 'SerialNumber');
  const digestAlgorithm = algorithmIdentifier(fields.required(TAG.SEQUENCE, 'DigestAlgorithm'), 'DigestAlgorithm');
  const authenticated = attributes(fields.optional(TAG.CONTEXT_0));
  const digestEncryptionAlgorithm = algorithmIdentifier(fields.required(TAG.SEQUENCE, 'DigestEncryptionAlgorithm'), 'DigestEncryptionAlgorithm');
  const encryptedDigest = octetString(fields.required(TAG.OCTET_STRING, 'EncryptedDigest'), 'EncryptedDigest');
  const unauthenticated = attributes(fields.optional(TAG.CONTEXT_1));
  return {
    raw: el.raw,
    issuerRaw: issuer.raw,
    serial,
    digestAlgorithm,
    authenticatedAttributes: authenticated,
    digestEncryptionAlgorithm,
    encryptedDigest,
    unauthenticatedAttributes: unauthenticated,
  };
}

function signedData(el: DerElement): SignedData {
  if (el.tag !== TAG.SEQUENCE) throw new Asn1Error("asn1: structure error: tags don't match (SignedData)");
  const fields = new FieldReader(el.content);
  const version = fields.required(TAG.INTEGER, 'SignedData.Version');
  goInt(version, 'SignedData.Version');
  const digestAlgorithms = sequenceOf(fields.required(TAG.SET, 'DigestAlgorithmIdentifiers').content, TAG.SEQUENCE, 'AlgorithmIdentifier').map(
    (a) => algorithmIdentifier(a, 'DigestAlgorithmIdentifiers'),
  );
  const contentInfo = fields.required(TAG.SEQUENCE, 'ContentInfo');
  const contentType = new FieldReader(contentInfo.content).required(TAG.OID, 'ContentInfo.ContentType');
  objectIdentifier(contentType, 'ContentInfo.ContentType');
  const certificates = fields.optional(TAG.CONTEXT_0);
  const crls = fields.optional(TAG.CONTEXT_1);
  const signers = sequenceOf(fields.required(TAG.SET, 'SignerInfos').content, TAG.SEQUENCE, 'SignerInfo').map(signerInfo);
  return {
    versionRaw: version.raw,
    digestAlgorithms,
    contentInfoRaw: contentInfo.raw,
    contentTypeRaw: contentType.raw,
    certificates: certificates && sequenceOf(certificates.content, undefined, 'Certificates').map((c) => c.raw),
    crls: crls && sequenceOf(crls.content, TAG.SEQUENCE, 'CRLs').map((c) => c.raw),
    signerInfos: signers,
  };
}

/** ContentInfo{contentType, [0] EXPLICIT SignedData OPTIONAL} from one element. */
function contentInfoSignedData(el: DerElement): ContentInfoSignedData {
  if (el.tag !== TAG.SEQUENCE) throw new Asn1Error("asn1: structure error: tags don't match (ContentInfo)");
  const fields = new FieldReader(el.content);
  const contentType = fields.required(TAG.OID, 'ContentInfo.ContentType');
  objectIdentifier(contentType, 'ContentInfo.ContentType');
  const explicit = fields.optional(TAG.CONTEXT_0);
  if (!explicit) return { contentTypeRaw: contentType.raw };
  if (explicit.content.length === 0) throw new Asn1Error('asn1: structure error: explicit tag has no child');
  return { contentTypeRaw: contentType.raw, content: signedData(element(explicit.content).element) };
}

/** relic pkcs7.Unmarshal: one ContentInfo; only NUL bytes may follow it. */
export function unmarshalPkcs7(blob: Buffer): ContentInfoSignedData {
  const { element: outer, next } = element(blob);
  for (let i = next; i < blob.length; i++) {
    if (blob[i] !== 0) throw new Pkcs7Error('pkcs7: trailing garbage after PKCS#7 structure');
  }
  return contentInfoSignedData(outer);
}

/**
 * relic ContentInfo.Bytes: the encapsulated content's octets, or null when there is none
 * (detached). Go treats a value it cannot read for a *syntax* error as absent, too.
 */
export function encapsulatedContent(contentInfoRaw: Buffer): Buffer | null {
  const outer = element(contentInfoRaw).element;
  const fields = new FieldReader(outer.content);
  fields.required(TAG.OID, 'ContentInfo.ContentType');
  try {
    const value = fields.peek();
    if (!value) return null;
    fields.required(undefined, 'ContentInfo.Content');
    if (value.content.length === 0) return null;
    return element(value.content).element.content;
  } catch (err) {
    if (err instanceof Asn1Error && err.message.startsWith('asn1: syntax error')) return null;
    if (isSyntaxError(err)) return null;
    throw err;
  }
}

/** relic RawCertificates.Parse: the certificates that parse, and the last error, if any. */
function parseCertificates(raw: Buffer[] | undefined): { certs: ParsedCertificate[]; error?: Error } {
  const certs: ParsedCertificate[] = [];
  let error: Error | undefined;
  for (const der of raw ?? []) {
    try {
      certs.push(parseCertificate(der));
    } catch (err) {
      error = err as Error;
    }
  }
  return { certs, error };
}

function certificateSerial(cert: ParsedCertificate): bigint {
  const tbs = new FieldReader(element(element(cert.der).element.content).element.content);
  tbs.optional(TAG.CONTEXT_0);
  return bigInteger(tbs.required(TAG.INTEGER, 'serialNumber'), 'serialNumber');
}

class MissingCertificateError extends Pkcs7Error {}

function findCertificate(si: SignerInfo, certs: ParsedCertificate[]): ParsedCertificate {
  for (const cert of certs) {
    if (cert.rawIssuer.equals(si.issuerRaw) && certificateSerial(cert) === si.serial) return cert;
  }
  const serial = si.serial < 0n ? `-${(-si.serial).toString(16)}` : si.serial.toString(16);
  throw new MissingCertificateError(`certificate missing from signedData: serial=${serial}`);
}

function digestHash(alg: AlgorithmIdentifier, prefix = ''): HashName {
  const hash = HASH_BY_OID[alg.oid];
  if (!hash) throw new Pkcs7Error(`${prefix}unsupported hash algorithm ${alg.oid}`);
  return hash;
}

const digest = (hash: HashName, data: Buffer): Buffer => createHash(hash).update(data).digest();

/** AttributeList.GetOne: the single value of the first attribute with `oid`, or undefined. */
function getOne(attrs: Attribute[], oid: string): DerElement | undefined {
  const attr = attrs.find((a) => a.oid === oid);
  if (!attr) return undefined;
  const { element: value, next } = element(attr.values.content);
  if (next !== attr.values.content.length) throw new Pkcs7Error(`attribute ${oid}: expected one, found multiple`);
  return value;
}

/** SignerInfo.Verify: the signer's certificate, once its signature over `content` checks out. */
function verifySignerInfo(si: SignerInfo, content: Buffer, certs: ParsedCertificate[]): ParsedCertificate {
  const hash = digestHash(si.digestAlgorithm, 'pkcs7: ');
  let signed = digest(hash, content);
  if (si.authenticatedAttributes.length > 0) {
    const md = getOne(si.authenticatedAttributes, OID_MESSAGE_DIGEST);
    if (!md) throw new Pkcs7Error(`attribute not found: ${OID_MESSAGE_DIGEST}`);
    if (!octetString(md, 'messageDigest').equals(signed)) throw new Pkcs7Error('pkcs7: content digest does not match');
    // The signature covers the signed attributes as encoded, re-tagged as a SET.
    const parts = sequenceOf(element(si.raw).element.content, undefined, 'SignerInfo');
    if (parts.length < 4) throw new Pkcs7Error('short sequence in SignerInfo');
    signed = digest(hash, tlv(TAG.SET, parts[3]!.content));
  }
  const cert = findCertificate(si, certs);
  try {
    pkixVerify(cert.publicKey, si.digestAlgorithm, si.digestEncryptionAlgorithm, signed, si.encryptedDigest);
  } catch (err) {
    if (!(err instanceof RsaVerificationError)) throw err;
    // "Symantec Time Stamping Services Signer": a raw digest without DigestInfo.
    verifyRsaPkcs1v15(cert.publicKey, undefined, signed, si.encryptedDigest);
  }
  return cert;
}

/** Go's rsa.ErrVerification (the one error relic retries on). */
class RsaVerificationError extends Pkcs7Error {
  constructor() {
    super('crypto/rsa: verification error');
  }
}

function rsaModulusBits(key: SubjectPublicKey): number {
  return key.algorithm.type === 'rsa' ? key.algorithm.modulusBits : 0;
}

/** s^e mod n (null when the signature is not a valid input: wrong length, s ≥ n). */
function rsaPublic(key: SubjectPublicKey, signature: Buffer, padding: number): Buffer | null {
  const bits = rsaModulusBits(key);
  if (bits < 1024) throw new Pkcs7Error(`crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`);
  if (signature.length !== Math.ceil(bits / 8)) return null;
  try {
    return publicDecrypt({ key: key.keyObject, padding }, signature);
  } catch {
    return null;
  }
}

/** rsa.VerifyPKCS1v15; `hash` undefined is Go's crypto.Hash(0): the digest without DigestInfo. */
export function verifyRsaPkcs1v15(key: SubjectPublicKey, hash: HashName | undefined, hashed: Buffer, signature: Buffer): void {
  if (hash && hashed.length !== HASH_SIZE[hash]) throw new RsaVerificationError();
  const recovered = rsaPublic(key, signature, constants.RSA_PKCS1_PADDING);
  const expected = hash ? Buffer.concat([Buffer.from(DIGEST_INFO_PREFIX[hash], 'hex'), hashed]) : hashed;
  if (!recovered || !recovered.equals(expected)) throw new RsaVerificationError();
}

/** rsa.VerifyPSS with a given salt length (-1: the hash size, 0: any). */
function verifyRsaPss(key: SubjectPublicKey, hash: HashName, hashed: Buffer, signature: Buffer, saltLength: number): void {
  const raw = rsaPublic(key, signature, constants.RSA_NO_PADDING);
  if (!raw || !emsaPssVerify(raw, rsaModulusBits(key) - 1, hash, hashed, saltLength === -1 ? HASH_SIZE[hash] : saltLength)) {
    throw new RsaVerificationError();
  }
}

function emsaPssVerify(raw: Buffer, emBits: number, hash: HashName, mHash: Buffer, saltLength: number): boolean {
  const emLength = Math.ceil(emBits / 8);
  const leading = raw.length - emLength;
  if (leading < 0 || raw.subarray(0, leading).some((b) => b !== 0)) return false;
  const em = raw.subarray(leading);
  const hLength = HASH_SIZE[hash];
  if (mHash.length !== hLength || emLength < hLength + 2 || em[emLength - 1] !== 0xbc) return false;
  const maskedDb = em.subarray(0, emLength - hLength - 1);
  const h = em.subarray(emLength - hLength - 1, emLength - 1);
  const topBits = 8 * emLength - emBits;
  if (maskedDb[0]! & (0xff << (8 - topBits)) & 0xff) return false;
  const blocks: Buffer[] = [];
  for (let counter = 0; blocks.length * hLength < maskedDb.length; counter++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    blocks.push(createHash(hash).update(h).update(c).digest());
  }
  const mask = Buffer.concat(blocks);
  const db = Buffer.from(maskedDb.map((b, i) => b ^ mask[i]!));
  db[0]! &= 0xff >> topBits;
  const separator = db.findIndex((b) => b !== 0);
  if (separator < 0 || db[separator] !== 0x01) return false;
  const salt = db.subarray(separator + 1);
  if (saltLength > 0 && salt.length !== saltLength) return false;
  const hPrime = createHash(hash).update(Buffer.alloc(8)).update(mHash).update(salt).digest();
  return hPrime.equals(h);
}

/** x509tools.UnmarshalRSAPSSParameters. */
function pssSaltLength(hash: HashName, params: DerElement | undefined): number {
  if (params?.tag === TAG.NULL) {
    if (hash !== 'sha1') throw new Pkcs7Error('RSA-PSS parameters not provided but digest type is not SHA-1');
    return 20;
  }
  const invalid = (): Pkcs7Error => new Pkcs7Error('invalid RSA-PSS parameters');
  let hashAlg: AlgorithmIdentifier;
  let mgf: AlgorithmIdentifier;
  let salt: bigint;
  let trailer = 1n;
  try {
    if (!params || params.tag !== TAG.SEQUENCE) throw invalid();
    const fields = new FieldReader(params.content);
    const explicit = (tag: number): DerElement => element(fields.required(tag, 'pssParameters').content).element;
    hashAlg = algorithmIdentifier(explicit(0xa0), 'pss hash');
    mgf = algorithmIdentifier(explicit(0xa1), 'pss mgf');
    salt = goInt(explicit(0xa2), 'pss salt');
    const t = fields.optional(0xa3);
    if (t) trailer = goInt(element(t.content).element, 'pss trailer');
  } catch (err) {
    if (err instanceof InvalidEntryError) throw invalid();
    throw err;
  }
  if (hashAlg.oid !== OID_BY_HASH[hash]) throw new Pkcs7Error('digest type mismatch in RSA-PSS parameters');
  if (mgf.oid !== OID_MGF1) throw new Pkcs7Error('unsupported MGF in RSA-PSS parameters');
  let mgfDigest: AlgorithmIdentifier;
  try {
    if (!mgf.params) throw invalid();
    const read = element(mgf.params.raw);
    if (read.next !== mgf.params.raw.length) throw invalid();
    mgfDigest = algorithmIdentifier(read.element, 'mgf digest');
  } catch (err) {
    if (err instanceof InvalidEntryError) throw invalid();
    throw err;
  }
  if (mgfDigest.oid !== OID_BY_HASH[hash]) throw new Pkcs7Error('digest type mismatch in RSA-PSS parameters');
  if (trailer !== 0n && trailer !== 1n) throw invalid();
  return salt === 0n ? HASH_SIZE[hash] : Number(salt);
}

/** x509tools.PkixVerify. */
function pkixVerify(key: SubjectPublicKey, digestAlg: AlgorithmIdentifier, sigAlg: AlgorithmIdentifier, hashed: Buffer, signature: Buffer): void {
  const hash = digestHash(digestAlg);
  const info = SIG_ALG_INFO[sigAlg.oid];
  if (info?.hash && info.hash !== hash) throw new Pkcs7Error('signature type does not match digest type');
  switch (info?.key) {
    case 'rsa':
      if (key.algorithm.type !== 'rsa') throw new Pkcs7Error('incorrect key type for signature');
      if (sigAlg.oid === OID_RSA_PSS) return verifyRsaPss(key, hash, hashed, signature, pssSaltLength(hash, sigAlg.params));
      return verifyRsaPkcs1v15(key, hash, hashed, signature);
    case 'ecdsa': {
      if (key.algorithm.type !== 'ecdsa') throw new Pkcs7Error('incorrect key type for signature');
      const { r, s } = unmarshalEcdsaSignature(signature);
      if (!verifyEcdsa(key, hashed, r, s)) throw new Pkcs7Error('ECDSA verification failed');
      return;
    }
    default:
      throw new Pkcs7Error('unsupported public key algorithm');
  }
}

/** x509tools.UnmarshalEcdsaSignature: SEQUENCE{R, S} (more fields tolerated), nothing after it. */
function unmarshalEcdsaSignature(signature: Buffer): { r: bigint; s: bigint } {
  try {
    const { element: seq, next } = element(signature);
    if (next !== signature.length || seq.tag !== TAG.SEQUENCE) throw new Error();
    const fields = new FieldReader(seq.content);
    return { r: bigInteger(fields.required(TAG.INTEGER, 'R'), 'R'), s: bigInteger(fields.required(TAG.INTEGER, 'S'), 'S') };
  } catch {
    throw new Pkcs7Error('invalid ECDSA signature');
  }
}

/** ecdsa.Verify over a digest of any length; false for r or s out of range. */
export function verifyEcdsa(key: SubjectPublicKey, hashed: Buffer, r: bigint, s: bigint): boolean {
  if (key.algorithm.type !== 'ecdsa') return false;
  if (key.algorithm.curve === 'P-224') throw new Pkcs7Error('unsupported public key type: ecdsa P-224');
  return verifyEcdsaDigest(key.algorithm.curve, key.keyBytes, hashed, r, s);
}

export interface VerifiedSignature {
  /** The last SignerInfo verified (relic keeps the last one). */
  signerInfo: SignerInfo;
  /** The bundle's certificates that parsed (relic's Intermediates). */
  certificates: ParsedCertificate[];
}

/** relic SignedData.Verify(externalContent, false). */
export function verifySignedData(sd: SignedData, external: Buffer): VerifiedSignature {
  const internal = encapsulatedContent(sd.contentInfoRaw);
  if (internal !== null && !internal.equals(external)) {
    throw new Pkcs7Error('pkcs7: internal and external content were both provided but are not equal');
  }
  const content = internal ?? external;
  if (sd.signerInfos.length === 0) throw new Pkcs7Error('pkcs7 contains no signatures');
  const { certs, error: certError } = parseCertificates(sd.certificates);
  for (const si of sd.signerInfos) {
    try {
      verifySignerInfo(si, content, certs);
    } catch (err) {
      if (err instanceof MissingCertificateError && certError) throw certError;
      throw err;
    }
  }
  return { signerInfo: sd.signerInfos[sd.signerInfos.length - 1]!, certificates: certs };
}

/** relic pkcs9.VerifyOptionalTimestamp: a timestamp, when the signer carries one, must verify. */
export function verifyOptionalTimestamp(sig: VerifiedSignature): void {
  const attrs = sig.signerInfo.unauthenticatedAttributes;
  const token = getOne(attrs, OID_TIMESTAMP_TOKEN) ?? getOne(attrs, OID_SPC_TIMESTAMP_TOKEN);
  if (token) {
    verifyTimestampToken(contentInfoSignedData(token), sig.signerInfo.encryptedDigest, sig.certificates);
    return;
  }
  const counter = getOne(attrs, OID_COUNTER_SIGNATURE);
  if (!counter) return;
  if (counter.tag !== TAG.SEQUENCE) throw new Asn1Error("asn1: structure error: tags don't match (counterSignature)");
  const tsi = signerInfo(counter);
  verifySignerInfo(tsi, sig.signerInfo.encryptedDigest, sig.certificates);
  const signingTime = getOne(tsi.authenticatedAttributes, OID_SIGNING_TIME);
  if (!signingTime) throw new Pkcs7Error(`parsing timestamp: attribute not found: ${OID_SIGNING_TIME}`);
  parseTime(signingTime, 'parsing timestamp: ');
}

/** pkcs9.Verify: a timestamp token over the signer's encrypted digest. */
function verifyTimestampToken(tst: ContentInfoSignedData, data: Buffer, parentCerts: ParsedCertificate[]): void {
  const sd = tst.content;
  if (!sd || sd.signerInfos.length !== 1) throw new Pkcs7Error('timestamp should have exactly one SignerInfo');
  const { certs: tokenCerts, error: certError } = parseCertificates(sd.certificates);
  const certs = [...parentCerts, ...tokenCerts];
  let info = encapsulatedContent(sd.contentInfoRaw);
  // Go indexes infobytes[0] unchecked here (a panic, answered 500); glasslog answers 400.
  if (!info || info.length === 0) throw new Pkcs7Error('unpack TSTInfo: timestamp token has no content');
  if (info[0] === TAG.OCTET_STRING) info = octetString(element(info).element, 'TSTInfo');
  const tstInfo = parseTstInfo(info);
  const imprintHash = HASH_BY_OID[tstInfo.imprintAlgorithm];
  if (!imprintHash) throw new Pkcs7Error(`verifying timestamp imprint: pkcs9: unsupported hash algorithm ${tstInfo.imprintAlgorithm}`);
  if (!digest(imprintHash, data).equals(tstInfo.hashedMessage)) {
    throw new Pkcs7Error('verifying timestamp imprint: pkcs9: digest check failed');
  }
  const blob = encapsulatedContent(sd.contentInfoRaw) ?? Buffer.alloc(0);
  try {
    verifySignerInfo(sd.signerInfos[0]!, blob, certs);
  } catch (err) {
    if (err instanceof MissingCertificateError && certError) throw certError;
    throw err;
  }
  parseTime(tstInfo.genTime, 'parsing timestamp: ');
}

function parseTstInfo(der: Buffer): { imprintAlgorithm: string; hashedMessage: Buffer; genTime: DerElement } {
  try {
    const seq = element(der).element;
    if (seq.tag !== TAG.SEQUENCE) throw new Asn1Error("asn1: structure error: tags don't match (TSTInfo)");
    const fields = new FieldReader(seq.content);
    goInt(fields.required(TAG.INTEGER, 'TSTInfo.Version'), 'TSTInfo.Version');
    objectIdentifier(fields.required(TAG.OID, 'TSTInfo.Policy'), 'TSTInfo.Policy');
    const imprint = new FieldReader(fields.required(TAG.SEQUENCE, 'MessageImprint').content);
    const algorithm = algorithmIdentifier(imprint.required(TAG.SEQUENCE, 'MessageImprint.HashAlgorithm'), 'HashAlgorithm');
    const hashedMessage = octetString(imprint.required(TAG.OCTET_STRING, 'MessageImprint.HashedMessage'), 'HashedMessage');
    bigInteger(fields.required(TAG.INTEGER, 'TSTInfo.SerialNumber'), 'TSTInfo.SerialNumber');
    const genTime = fields.required(undefined, 'TSTInfo.GenTime');
    const accuracy = fields.optional(TAG.SEQUENCE);
    if (accuracy) {
      const acc = new FieldReader(accuracy.content);
      for (const tag of [TAG.INTEGER, 0x80, 0x81]) {
        const value = acc.optional(tag);
        if (value) goInt({ ...value, tag: TAG.INTEGER }, 'Accuracy');
      }
    }
    const ordering = fields.optional(TAG.BOOLEAN);
    if (ordering && (ordering.content.length !== 1 || (ordering.content[0] !== 0 && ordering.content[0] !== 0xff))) {
      throw new Asn1Error('asn1: syntax error: invalid boolean');
    }
    const nonce = fields.optional(TAG.INTEGER);
    if (nonce) bigInteger(nonce, 'TSTInfo.Nonce');
    return { imprintAlgorithm: algorithm.oid, hashedMessage, genTime };
  } catch (err) {
    if (err instanceof InvalidEntryError) throw new Pkcs7Error(`unpack TSTInfo: ${err.message}`);
    throw err;
  }
}

/** relic pkcs7.ParseTime: GeneralizedTime or UTCTime, fractional seconds allowed, Z or ±hhmm. */
function parseTime(el: DerElement, prefix: string): void {
  const text = el.content.toString('latin1');
  const fail = (): never => {
    throw new Pkcs7Error(`${prefix}parsing time ${JSON.stringify(text)}: cannot parse`);
  };
  let match: RegExpExecArray | null;
  let year: number;
  let rest: string[];
  if (el.tag === TAG.GENERALIZED_TIME) {
    match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,]\d+)?(Z|[+-]\d{4})$/.exec(text);
    if (!match) return fail();
    year = Number(match[1]);
    rest = match.slice(2, 7);
  } else if (el.tag === TAG.UTC_TIME) {
    match =
      /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})()(Z|[+-]\d{4})$/.exec(text) ??
      /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,]\d+)?(Z|[+-]\d{4})$/.exec(text);
    if (!match) return fail();
    const yy = Number(match[1]);
    year = yy >= 69 ? 1900 + yy : 2000 + yy;
    rest = match.slice(2, 7);
  } else {
    throw new Pkcs7Error(`${prefix}unknown tag ${el.tag & 0x1f} in timestamp field`);
  }
  const [month, day, hour, minute, second] = rest.map((v) => (v === '' ? 0 : Number(v))) as number[];
  const daysInMonth = new Date(Date.UTC(year, month!, 0)).getUTCDate();
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second! > 59) fail();
  const zone = match[7]!;
  if (zone !== 'Z' && (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(3)) > 59)) fail();
}

/** Rekor pkcs7.NewSignature / NewPublicKey input: a PEM PKCS7 block, else raw DER. */
function pkcs7Bytes(input: Buffer): Buffer {
  const { block } = decodePem(input);
  if (!block) return input;
  if (block.type !== 'PKCS7') throw new Pkcs7Error(`unknown PEM block type ${block.type} found during PKCS7 parsing`);
  return block.bytes;
}

/**
 * Rekor pkcs7.NewSignature + CanonicalValue: relic Detach (the encapsulated content and
 * its [0] dropped) and asn1.Marshal (SETs sorted, everything else as parsed), as PEM.
 */
export function canonicalSignaturePem(input: Buffer): Buffer {
  const psd = unmarshalPkcs7(pkcs7Bytes(input));
  const parts: Buffer[] = [psd.contentTypeRaw];
  if (psd.content) {
    const sd = psd.content;
    encapsulatedContent(sd.contentInfoRaw); // Detach reads it first; its errors surface here
    const fields: Buffer[] = [
      sd.versionRaw,
      sortedSet(sd.digestAlgorithms.map((a) => tlv(TAG.SEQUENCE, Buffer.concat([a.oidRaw, a.params?.raw ?? Buffer.alloc(0)])))),
      tlv(TAG.SEQUENCE, sd.contentTypeRaw),
    ];
    if (sd.certificates) fields.push(tlv(TAG.CONTEXT_0, Buffer.concat(sd.certificates)));
    if (sd.crls) fields.push(tlv(TAG.CONTEXT_1, Buffer.concat(sd.crls)));
    fields.push(sortedSet(sd.signerInfos.map((si) => si.raw)));
    parts.push(tlv(TAG.CONTEXT_0, tlv(TAG.SEQUENCE, Buffer.concat(fields))));
  }
  return encodePem('PKCS7', tlv(TAG.SEQUENCE, Buffer.concat(parts)));
}

/** Rekor pkcs7.NewPublicKey + CanonicalValue: the bundle's first certificate, as PEM; every certificate must parse. */
export function canonicalCertificatePem(input: Buffer): Buffer {
  const psd = unmarshalPkcs7(pkcs7Bytes(input));
  const { certs, error } = parseCertificates(psd.content?.certificates);
  if (error) throw error;
  const first = certs[0];
  if (!first) throw new Pkcs7Error('unable to extract public key from certificate inside PKCS7 bundle');
  return encodePem('CERTIFICATE', first.der);
}
