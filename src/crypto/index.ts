export type { KeyType, Signer } from './keys';
export { generateSigningKey, signerFromPem, loadSigner, logIdOf, verifySignature } from './keys';
export { canonicalJson } from './canonical-json';
export type { SetFields } from './set';
export { setPayload, signEntryTimestamp, verifyEntryTimestamp } from './set';
