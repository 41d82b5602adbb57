/**
 * Every engine, by name, as a lazy import of the module that registers it (registerEngine at
 * import). The engine host imports only the module of the engine it runs, so the OCR host never
 * loads transformers.js and a broken engine module cannot take the others down. The daemon
 * itself never imports engine modules: they live in the host process. One line per engine.
 */
export const ENGINE_MODULES: Record<string, () => Promise<unknown>> = {
  ppocr: () => import('./ocr'),
  'qwen-vl': () => import('./vlm'),
  'openai-remote': () => import('./remote'),
};

/** Imports (and so registers) the engine called `name`; unknown names import nothing. */
export async function importEngineModule(name: string): Promise<void> {
  await ENGINE_MODULES[name]?.();
}
