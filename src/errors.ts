/**
 * Domain errors. Lower layers throw these with the data a caller needs; src/api/errors.ts
 * alone maps them to HTTP statuses and Rekor's `{code, message}` body.
 */

/** The proposed entry is malformed or fails its schema (Rekor answers 400). */
export class InvalidEntryError extends Error {
  override readonly name = 'InvalidEntryError';
}

/** The entry is well formed but its signature does not verify (Rekor answers 400). */
export class SignatureVerificationError extends Error {
  override readonly name = 'SignatureVerificationError';
}

/** A request parameter is out of range or malformed (400). */
export class BadRequestError extends Error {
  override readonly name = 'BadRequestError';
}

/** A request is well formed but asks for more than the API allows (422, as Rekor). */
export class UnprocessableError extends Error {
  override readonly name = 'UnprocessableError';
}

/** The entry is already in the log; `uuid` names the existing entry (409 + Location). */
export class DuplicateEntryError extends Error {
  override readonly name = 'DuplicateEntryError';
  constructor(
    readonly uuid: string,
    readonly logIndex: number,
  ) {
    super(`an equivalent entry already exists in the transparency log with UUID ${uuid}`);
  }
}

/** No such entry, tree or proof (404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The database cannot be reached or refused the work; retry later (503). */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}
