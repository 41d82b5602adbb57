import type { Dtype } from './dtypes';
import type { FamilyId } from './families';
import { DEFAULT_FAMILY_ID, getFamily, GROUNDING_DESCRIPTION } from './families';
import { isValidRepoId } from './pull/contained-path';

/**
 * Models Loupe knows how to pull. Files are not listed one by one: `pull` asks the hub for the
 * repo's file list and takes the shared JSON/tokenizer files plus, for the chosen dtype,
 * `onnx/<session><suffix>.onnx` and its `.onnx_data*` chunks (see pull/select-files.ts).
 *
 * Provenance of the facts below (no machine here reaches the hub, so nothing was downloaded):
 *  - repo names: seen in public code that loads them with transformers.js (verified by search);
 *    the 7B repo name is NOT verified.
 *  - sizes: approximate download size of the listed dtype, from public code/docs; marked `approx`.
 *  - memory: rough rule of thumb (weights + ~1 GB activations/KV at ~1.5k visual tokens); unmeasured.
 */
export interface CatalogEntry {
  id: string;
  family: FamilyId;
  label: string;
  hubRepo: string;
  revision: string;
  /** dtypes the export is known (or expected) to ship; the first is the default on GPU, the second on CPU. */
  dtypes: Dtype[];
  defaultDtype: { gpu: Dtype; cpu: Dtype };
  /** Approximate download size per dtype in bytes. */
  approxBytes: Partial<Record<Dtype, number>>;
  /** Approximate memory needed to run (bytes): GPU memory on CUDA, RAM on CPU. */
  approxMemory: { vram: number; ram: number };
  licence: string;
  verified: { repo: boolean; files: boolean; sizes: boolean };
  /** This model's own caveats; its family's come from the family table (see catalogCaveats). */
  caveats: string[];
}

const GB = 1024 ** 3;

/** What every entry shares: the hub's main branch, and the usual q4f16 on GPU / q4 on CPU. */
const COMMON = { revision: 'main', defaultDtype: { gpu: 'q4f16', cpu: 'q4' } } satisfies Partial<CatalogEntry>;

/** A family's Instruct model of one size: its id and label follow from the family's label (Qwen2.5-VL 3B → qwen2.5-vl-3b). */
function instruct(family: FamilyId, size: string, facts: Omit<CatalogEntry, 'id' | 'family' | 'label' | keyof typeof COMMON>): CatalogEntry {
  const familyLabel = getFamily(family).label;
  return { id: `${familyLabel}-${size}`.toLowerCase(), family, label: `${familyLabel} ${size} Instruct`, ...COMMON, ...facts };
}

export const CATALOG: CatalogEntry[] = [
  instruct('qwen2_5_vl', '3B', {
    hubRepo: 'onnx-community/Qwen2.5-VL-3B-Instruct-ONNX',
    dtypes: ['q4f16', 'q4', 'fp16', 'q8', 'fp32'],
    approxBytes: { q4f16: 2.6 * GB, q4: 3.0 * GB },
    approxMemory: { vram: 4 * GB, ram: 6 * GB },
    licence: 'Qwen Research License (non-commercial use; not Apache-2.0)',
    verified: { repo: true, files: false, sizes: false },
    caveats: ['Licence restricts commercial use: check it before shipping to others.'],
  }),
  instruct('qwen2_5_vl', '7B', {
    // Unverified repo name: listed by third-party code, not confirmed against the hub.
    hubRepo: 'onnx-community/Qwen2.5-VL-7B-Instruct',
    dtypes: ['q4f16', 'q4'],
    approxBytes: { q4f16: 5.5 * GB },
    approxMemory: { vram: 8 * GB, ram: 12 * GB },
    licence: 'Apache-2.0',
    verified: { repo: false, files: false, sizes: false },
    caveats: ['Repo name unverified.', 'Slow on CPU: meant for a GPU with ≥ 8 GB.'],
  }),
  instruct('qwen3_vl', '2B', {
    hubRepo: 'onnx-community/Qwen3-VL-2B-Instruct-ONNX',
    dtypes: ['q4', 'q4f16', 'fp16', 'fp32'],
    approxBytes: { q4: 1.43 * GB },
    approxMemory: { vram: 3 * GB, ram: 4 * GB },
    licence: 'Apache-2.0',
    verified: { repo: true, files: true, sizes: true },
    caveats: [],
  }),
  instruct('qwen2_vl', '2B', {
    hubRepo: 'onnx-community/Qwen2-VL-2B-Instruct',
    dtypes: ['q4f16', 'q4', 'fp16', 'q8', 'fp32'],
    approxBytes: { q4f16: 2.6 * GB },
    approxMemory: { vram: 3.5 * GB, ram: 5 * GB },
    licence: 'Apache-2.0',
    verified: { repo: true, files: false, sizes: false },
    caveats: [
      'Oldest family; weakest OCR.',
      'Upstream preprocessor_config.json may lack do_resize/do_normalize: run `loupe models verify` after pull.',
    ],
  }),
];

/**
 * Default candidate: Qwen2.5-VL 3B — the best OCR/grounding per GB that fits a 6 GB GPU or a
 * laptop's RAM at q4. Its licence is research-only; Qwen3-VL 2B (Apache-2.0) is the alternative.
 */
export const DEFAULT_MODEL_ID = 'qwen2.5-vl-3b';

export function findCatalogEntry(id: string): CatalogEntry | undefined {
  return CATALOG.find((e) => e.id === id || e.hubRepo === id);
}

export function getCatalogEntry(id: string): CatalogEntry {
  const entry = findCatalogEntry(id);
  if (!entry) throw new Error(`unknown model "${id}" (known: ${CATALOG.map((e) => e.id).join(', ')}; or pass a model directory)`);
  return entry;
}

/**
 * A catalog entry for a hub repo that is not in the catalog ("owner/name"): pulled as-is and
 * validated by `verify` after download. The family is read from its config.json then.
 */
export function adHocEntry(repo: string): CatalogEntry {
  if (!isValidRepoId(repo)) {
    throw new Error(`unknown model "${repo}" (known: ${CATALOG.map((e) => e.id).join(', ')}; or a hub repo "owner/name" without ".." or "--")`);
  }
  return {
    id: repo.split('/')[1]!.toLowerCase(),
    family: DEFAULT_FAMILY_ID,
    label: repo,
    hubRepo: repo,
    ...COMMON,
    dtypes: [],
    approxBytes: {},
    approxMemory: { vram: 0, ram: 0 },
    licence: 'see the repo',
    verified: { repo: false, files: false, sizes: false },
    caveats: ['Not in the catalog: family and files are checked only after download.'],
  };
}

/** A catalog id, a catalog repo, or any "owner/name" hub repo. */
export function resolveModelId(id: string): CatalogEntry {
  return findCatalogEntry(id) ?? (id.includes('/') ? adHocEntry(id) : getCatalogEntry(id));
}

/** Everything a user is told about a catalog model: its family's caveats and grounding, then its own. */
export function catalogCaveats(entry: CatalogEntry): string[] {
  const family = getFamily(entry.family);
  return [...family.caveats, GROUNDING_DESCRIPTION[family.grounding.convention], ...entry.caveats];
}
