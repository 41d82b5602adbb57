import type { Dtype } from '../dtypes';

export interface Problem {
  /** Path relative to the model directory. */
  file: string;
  problem: string;
  fix: string;
  /** Warnings do not make a directory unusable (e.g. an oversized max_pixels). */
  severity: 'error' | 'warning';
}

export interface VerifyResult {
  ok: boolean;
  dir: string;
  /** The family's id (config.json model_type). */
  family?: string;
  /** dtypes whose three sessions were found (and checked). */
  dtypes: Dtype[];
  standIn: boolean;
  problems: Problem[];
}

/** Collects problems for one file. */
export class ProblemList {
  readonly items: Problem[] = [];
  error(file: string, problem: string, fix: string): void {
    this.items.push({ file, problem, fix, severity: 'error' });
  }
  warn(file: string, problem: string, fix: string): void {
    this.items.push({ file, problem, fix, severity: 'warning' });
  }
  get hasErrors(): boolean {
    return this.items.some((p) => p.severity === 'error');
  }
}

/** One line per problem, for CLI output and load errors. */
export function formatProblem(p: Problem): string {
  return `${p.severity === 'error' ? 'error' : 'warning'}: ${p.file}: ${p.problem} — fix: ${p.fix}`;
}

export class ModelDirInvalidError extends Error {
  constructor(readonly result: VerifyResult) {
    const errors = result.problems.filter((p) => p.severity === 'error');
    super(`model directory ${result.dir} is not usable: ${errors.map(formatProblem).join('; ')}`);
    this.name = 'ModelDirInvalidError';
  }
}
