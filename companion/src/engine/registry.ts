import type { EngineKind } from '@loupe/shared';
import type { Engine, EngineOptions } from './engine';

/**
 * Engines are added by registering a definition, never by branching in callers.
 * Each engine module calls registerEngine() at import; engine/engines.ts imports them all.
 */
export interface EngineDefinition {
  name: string;
  kind: EngineKind;
  /** Human summary for `loupe doctor` / status. */
  describe: string;
  /** Builds the engine inside the engine host (engine/host), from the options the daemon passed. */
  create(options: EngineOptions): Engine | Promise<Engine>;
}

const definitions = new Map<string, EngineDefinition>();

export function registerEngine(definition: EngineDefinition): void {
  if (definitions.has(definition.name)) throw new Error(`engine "${definition.name}" is registered twice`);
  definitions.set(definition.name, definition);
}

export function getEngineDefinition(name: string): EngineDefinition {
  const def = definitions.get(name);
  if (!def) throw new Error(`unknown engine "${name}" (known: ${[...definitions.keys()].join(', ') || 'none'})`);
  return def;
}

