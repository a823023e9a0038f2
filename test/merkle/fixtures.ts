/** Loading the transparency-dev/merkle vectors in test/fixtures/merkle/transparency-dev (see NOTICE.md there). */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const FIXTURES = join(__dirname, '..', 'fixtures', 'merkle', 'transparency-dev');

export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));

export interface ReferenceTreeFixture {
  leafInputs: Uint8Array[];
  nodeHashes: Uint8Array[][];
  rootHashes: Uint8Array[]; // by tree size, 0..8
}

export function referenceTree(): ReferenceTreeFixture {
  const raw = JSON.parse(readFileSync(join(FIXTURES, 'reference-tree.json'), 'utf8')) as {
    leafInputs: string[];
    nodeHashes: string[][];
    rootHashes: string[];
  };
  return {
    leafInputs: raw.leafInputs.map(hex),
    nodeHashes: raw.nodeHashes.map((level) => level.map(hex)),
    rootHashes: raw.rootHashes.map(hex),
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

export interface InclusionProbe {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: Uint8Array;
  leafHash: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

export interface ConsistencyProbe {
  file: string;
  size1: number;
  size2: number;
  root1: Uint8Array;
  root2: Uint8Array;
  proof: Uint8Array[];
  desc: string;
  wantErr: boolean;
}

/** Go's encoding/json writes []byte as base64 and a nil slice as null. */
function load<T>(kind: 'inclusion' | 'consistency', convert: (raw: Record<string, unknown>) => T): (T & { file: string })[] {
  const dir = join(FIXTURES, 'testdata', kind);
  return walk(dir).map((path) => {
    const raw = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return { ...convert(raw), file: relative(dir, path) };
  });
}

const proofOf = (raw: unknown): Uint8Array[] => ((raw as string[] | null) ?? []).map(b64);

export const inclusionProbes = (): InclusionProbe[] =>
  load('inclusion', (r) => ({
    leafIdx: r.leafIdx as number,
    treeSize: r.treeSize as number,
    root: b64(r.root as string),
    leafHash: b64(r.leafHash as string),
    proof: proofOf(r.proof),
    desc: r.desc as string,
    wantErr: r.wantErr as boolean,
  }));

export const consistencyProbes = (): ConsistencyProbe[] =>
  load('consistency', (r) => ({
    size1: r.size1 as number,
    size2: r.size2 as number,
    root1: b64(r.root1 as string),
    root2: b64(r.root2 as string),
    proof: proofOf(r.proof),
    desc: r.desc as string,
    wantErr: r.wantErr as boolean,
  }));
