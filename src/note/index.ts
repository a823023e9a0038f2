export type { Note, NoteSignature } from './signed-note';
export {
  NoteError,
  MAX_NOTE_SIGNATURES,
  parseNote,
  signNote,
  verifyNote,
  rekorKeyHint,
  c2spKeyHint,
  isValidKeyName,
  decodeBase64Strict,
} from './signed-note';
export type { Checkpoint } from './checkpoint';
export {
  ROOT_HASH_LENGTH,
  formatCheckpointBody,
  parseCheckpointBody,
  rekorOrigin,
  signRekorCheckpoint,
  verifyRekorCheckpoint,
} from './checkpoint';
