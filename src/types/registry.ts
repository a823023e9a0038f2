/**
 * Entry kinds and versions the log accepts, and the one entry point for a proposed entry:
 * parse `{kind, apiVersion, spec}` as Rekor's generated models do
 * (pkg/generated/models/proposed_entry.go, hashedrekord.go), find the implementation
 * (pkg/types/types.go VersionedUnmarshal) and let it validate, verify and canonicalize.
 *
 * Upstream answers an unknown kind and a missing/ill-formed apiVersion or spec with 422
 * (go-swagger's request binding: UnprocessableError here) and a body that is not an
 * object or an unknown version with 400 (InvalidEntryError), with Rekor's messages.
 */
import { InvalidEntryError, UnprocessableError } from '../errors';
import { createAlpineV001 } from './alpine/v0.0.1';
import { resolveArchiveLimits, type ArchiveLimits } from './archive/limits';
import { createCoseV001 } from './cose/v0.0.1';
import { createDsseV001 } from './dsse/v0.0.1';
import { createHashedRekordV001, type HashedRekordOptions } from './hashedrekord/v0.0.1';
import { createIntotoV001 } from './intoto/v0.0.1';
import { createJarV001 } from './jar/v0.0.1';
import { createHelmV001 } from './helm/v0.0.1';
import { createIntotoV002 } from './intoto/v0.0.2';
import { createTufV001 } from './tuf/v0.0.1';
import { minisignFormat } from './rekord/minisign';
import { pgpFormat } from './rekord/pgp';
import { createRpmV001 } from './rpm/v0.0.1';
import { sshFormat } from './rekord/ssh';
import { createRekordV001 } from './rekord/v0.0.1';
import { x509Format } from './rekord/x509';

export interface CanonicalEntry {
  kind: string;
  apiVersion: string;
  /** The leaf bytes: RFC 8785 canonical JSON of {"apiVersion","kind","spec"} exactly as Rekor stores it. */
  canonicalBody: Buffer;
  /** Rekor IndexKeys, lowercased, deduplicated. */
  indexKeys: string[];
  /**
   * What Rekor keeps as the entry's attestation (intoto: the decoded DSSE payload), when
   * the kind keeps one and it is within the size limit; returned on GET, never on POST.
   */
  attestation?: Buffer;
}

export interface EntryType {
  kind: string;
  apiVersion: string;
  /** Validate the proposed spec (schema), verify the signature, return the canonical entry. */
  canonicalize(spec: unknown): Promise<CanonicalEntry>;
  /**
   * The kind reads JSON nulls itself (tuf: metadata it checks signatures over keeps them).
   * Otherwise null members are removed before the kind sees the spec: Go decodes a null
   * into a nil pointer or slice, i.e. absent, and Rekor's clients send nulls (rekor-cli
   * sends `"signatures": null` in a dsse proposal).
   */
  readonly keepsNulls?: boolean;
}

export interface EntryTypeRegistry {
  canonicalizeProposedEntry(proposed: unknown): Promise<CanonicalEntry>;
  supportedKinds(): { kind: string; versions: string[] }[];
}

/** Per-kind options: hashedrekord's algorithm policy, and the attestation size limit (intoto). */
export interface EntryTypeOptions extends HashedRekordOptions {
  /** Largest attestation kept, in bytes (Rekor's --max_attestation_size); 0 keeps none. */
  maxAttestationSize?: number;
  /**
   * Most signatures, and most verifiers, one DSSE envelope may carry (dsse, intoto).
   * Rekor has no limit; checking every signature against every verifier is quadratic work.
   */
  maxSignatures?: number;
  /** Limits on archives the server unpacks (jar, alpine); see src/types/archive/limits.ts. */
  archiveLimits?: Partial<ArchiveLimits>;
}

/** The semantic-version pattern Rekor's OpenAPI document puts on every apiVersion. */
const API_VERSION_PATTERN =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/**
 * Longest index key kept. Keys come from client data (certificate SANs can be long); a key
 * PostgreSQL cannot index (over ~2.7 kB, or holding NUL) would fail the whole batch, so
 * such keys are dropped: the entry is still logged, only unsearchable by that key.
 * Rekor's own search API caps a subject at 512 characters.
 */
export const MAX_INDEX_KEY_LENGTH = 1024;

function isStorableIndexKey(key: string): boolean {
  return key.length > 0 && key.length <= MAX_INDEX_KEY_LENGTH && !key.includes('\u0000') && Buffer.from(key, 'utf8').toString('utf8') === key;
}

/** A copy of `value` without object members whose value is null, at any depth (array items kept). */
export function withoutNullMembers(value: unknown): unknown {
  // Iterative over an explicit stack: bodies nest at most --max-json-depth, but stay safe anyway.
  if (typeof value !== 'object' || value === null) return value;
  const copy = (v: object): object => (Array.isArray(v) ? [...v] : { ...v });
  const root = copy(value);
  const stack: object[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Record<string, unknown> | unknown[];
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        if (typeof item === 'object' && item !== null) stack.push((node[i] = copy(item)));
      });
      continue;
    }
    for (const [key, item] of Object.entries(node)) {
      if (item === null) delete node[key];
      else if (typeof item === 'object') {
        const child = copy(item);
        // defineProperty, not assignment: a member named "__proto__" must stay a member.
        Object.defineProperty(node, key, { value: child, enumerable: true, writable: true, configurable: true });
        stack.push(child);
      }
    }
  }
  return root;
}

export function createEntryTypeRegistry(options: EntryTypeOptions = {}): EntryTypeRegistry {
  const types = [
    createHashedRekordV001(options),
    createDsseV001(options),
    createIntotoV001(options),
    createIntotoV002(options),
    createRekordV001([x509Format, pgpFormat, minisignFormat, sshFormat]),
    createCoseV001(options),
    createTufV001(),
    createJarV001(resolveArchiveLimits(options.archiveLimits)),
    createAlpineV001(resolveArchiveLimits(options.archiveLimits)),
    createRpmV001(),
    createHelmV001(),
  ];
  const byKind = new Map<string, Map<string, EntryType>>();
  for (const type of types) {
    const versions = byKind.get(type.kind) ?? new Map<string, EntryType>();
    versions.set(type.apiVersion, type);
    byKind.set(type.kind, versions);
  }

  return {
    async canonicalizeProposedEntry(proposed: unknown): Promise<CanonicalEntry> {
      if (typeof proposed !== 'object' || proposed === null || Array.isArray(proposed)) {
        throw new InvalidEntryError('proposed entry must be a JSON object');
      }
      const { kind, apiVersion, spec } = proposed as Record<string, unknown>;
      if (typeof kind !== 'string' || kind === '') throw new UnprocessableError('kind in body is required');
      const versions = byKind.get(kind);
      if (!versions) throw new UnprocessableError(`invalid kind value: ${JSON.stringify(kind)}`);
      if (apiVersion === undefined || apiVersion === null) {
        throw new UnprocessableError('apiVersion in body is required');
      }
      if (typeof apiVersion !== 'string') throw new UnprocessableError('apiVersion in body must be of type string');
      if (!API_VERSION_PATTERN.test(apiVersion)) {
        throw new UnprocessableError(`apiVersion in body should match '${API_VERSION_PATTERN.source}'`);
      }
      if (spec === undefined || spec === null) throw new UnprocessableError('spec in body is required');
      const type = versions.get(apiVersion);
      if (!type) {
        const reason = `unable to locate entry for version ${apiVersion}`;
        throw new InvalidEntryError(`${kind} implementation for version '${apiVersion}' not found: ${reason}`);
      }
      const canonical = await type.canonicalize(type.keepsNulls ? spec : withoutNullMembers(spec));
      return { ...canonical, indexKeys: canonical.indexKeys.filter(isStorableIndexKey) };
    },

    supportedKinds(): { kind: string; versions: string[] }[] {
      return [...byKind].map(([kind, versions]) => ({ kind, versions: [...versions.keys()] }));
    },
  };
}

const defaultRegistry = createEntryTypeRegistry();

/** Parse a Rekor ProposedEntry {kind, apiVersion, spec} (already JSON-parsed), with Rekor's default policy. */
export function canonicalizeProposedEntry(proposed: unknown): Promise<CanonicalEntry> {
  return defaultRegistry.canonicalizeProposedEntry(proposed);
}

export function supportedKinds(): { kind: string; versions: string[] }[] {
  return defaultRegistry.supportedKinds();
}
