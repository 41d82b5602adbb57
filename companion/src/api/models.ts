import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EngineStatus, ModelInfo, ServerStatus } from '@loupe/shared';
import type { ApiContext } from './context';
import { HttpError, sendJson } from './http-io';

/** The id OpenAI and Ollama clients name for the fast OCR engine. */
export const OCR_MODEL_ID = 'loupe-ocr';
/** The id of the test stand-in model (its output is noise). */
export const STANDIN_MODEL_ID = 'loupe-standin';
/** Names the loaded vision model, whatever it is (the default when a request names none). */
export const DEFAULT_VLM_ALIAS = 'loupe';

/**
 * A model's stable API id: catalog ids (`qwen2.5-vl-3b`) and served names stay as they are;
 * the stand-in is `loupe-standin`; anything with spaces or odd characters becomes a slug.
 */
export function apiModelId(model: ModelInfo): string {
  if (model.standIn) return STANDIN_MODEL_ID;
  if (/^[A-Za-z0-9._:/-]{1,128}$/.test(model.id)) return model.id;
  return model.id.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 128) || 'vlm';
}

export interface ApiModel {
  id: string;
  kind: 'vlm' | 'ocr';
  engine: EngineStatus;
}

/** Models a client may name: the VLM's id and `loupe-ocr` (with the OCR model's own id as an alias). */
export function listApiModels(status: ServerStatus): ApiModel[] {
  const out: ApiModel[] = [];
  for (const engine of status.engines) {
    if (engine.state === 'absent' || engine.state === 'error') continue;
    if (engine.kind === 'ocr') {
      if (!out.some((m) => m.id === OCR_MODEL_ID)) out.push({ id: OCR_MODEL_ID, kind: 'ocr', engine });
    } else if (engine.model && !out.some((m) => m.kind === 'vlm')) {
      out.push({ id: apiModelId(engine.model), kind: 'vlm', engine });
      // A remote backend's other vision models: named, they are forwarded as asked.
      for (const id of engine.model.served ?? []) if (!out.some((m) => m.id === id)) out.push({ id, kind: 'vlm', engine });
    }
  }
  return out;
}

/**
 * The model a request names, or 404 `model_not_found` listing what there is. While the VLM is
 * still loading its id is not known yet: a name that is not the OCR model is let through to
 * it (the job waits for the load, or fails with the engine's own reason).
 */
export function resolveApiModel(requested: string | undefined, status: ServerStatus): { id: string; kind: 'vlm' | 'ocr' } {
  const models = listApiModels(status);
  const vlm = models.find((m) => m.kind === 'vlm');
  if (requested === undefined || requested === '' || requested === DEFAULT_VLM_ALIAS) {
    return { id: vlm?.id ?? DEFAULT_VLM_ALIAS, kind: 'vlm' };
  }
  const ocrAliases = new Set([OCR_MODEL_ID, ...status.engines.filter((e) => e.kind === 'ocr').flatMap((e) => [e.name, ...(e.model ? [e.model.id] : [])])]);
  if (ocrAliases.has(requested)) return { id: OCR_MODEL_ID, kind: 'ocr' };
  const vlmEngine = status.engines.find((e) => e.kind === 'vlm' && e.state !== 'absent');
  if (vlm && (requested === vlm.id || requested === vlm.engine.model?.id)) return { id: vlm.id, kind: 'vlm' };
  const served = models.find((m) => m.kind === 'vlm' && m.id === requested);
  if (served) return { id: served.id, kind: 'vlm' };
  if (vlmEngine?.state === 'loading' && !vlmEngine.model) return { id: requested, kind: 'vlm' };
  const known = [...models.map((m) => m.id), DEFAULT_VLM_ALIAS].join(', ');
  // The name is not echoed: error bodies never repeat request content.
  throw new HttpError(404, 'model_not_found', 'the requested model does not exist here', `Name one of: ${known} (GET /v1/models lists them).`, 'model');
}

function openAiModel(m: ApiModel, created: number): Record<string, unknown> {
  const { engine } = m;
  return {
    id: m.id,
    object: 'model',
    created,
    owned_by: 'loupe',
    loupe: { engine: engine.name, kind: m.kind, state: engine.state, tasks: engine.tasks, standIn: engine.model?.standIn ?? false, ...(engine.model ? { name: engine.model.id } : {}) },
  };
}

/** GET /v1/models — the loaded engines' models, in OpenAI's list shape. */
export function handleModels(_req: IncomingMessage, res: ServerResponse, ctx: ApiContext): void {
  const created = Math.floor(Date.now() / 1000);
  sendJson(res, 200, { object: 'list', data: listApiModels(ctx.status()).map((m) => openAiModel(m, created)) });
}

/** GET /v1/models/{id} — one model, or 404 `model_not_found`. */
export function handleModel(_req: IncomingMessage, res: ServerResponse, ctx: ApiContext, id: string): void {
  const model = listApiModels(ctx.status()).find((m) => m.id === id);
  if (!model) throw new HttpError(404, 'model_not_found', 'the requested model does not exist here', `GET /v1/models lists the models (${listApiModels(ctx.status()).map((m) => m.id).join(', ') || 'none loaded'}).`, 'model');
  sendJson(res, 200, openAiModel(model, Math.floor(Date.now() / 1000)));
}
