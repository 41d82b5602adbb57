import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ServerStatus } from '@loupe/shared';
import type { ApiContext } from './context';
import { sendJson } from './http-io';

/** Model ids an OpenAI client may name to get the fast OCR engine. */
export function ocrModelIds(status: ServerStatus): Set<string> {
  const ids = new Set(['loupe-ocr']);
  for (const e of status.engines) {
    if (e.kind !== 'ocr') continue;
    ids.add(e.name);
    if (e.model) ids.add(e.model.id);
  }
  return ids;
}

/** GET /v1/models — the loaded engines' models, in OpenAI's list shape. */
export function handleModels(_req: IncomingMessage, res: ServerResponse, ctx: ApiContext): void {
  const created = Math.floor(Date.now() / 1000);
  const seen = new Set<string>();
  const data: Array<Record<string, unknown>> = [];
  for (const engine of ctx.status().engines) {
    if (engine.state === 'absent') continue;
    const id = engine.model?.id ?? engine.name;
    if (seen.has(id)) continue;
    seen.add(id);
    data.push({ id, object: 'model', created, owned_by: 'loupe', loupe: { engine: engine.name, kind: engine.kind, state: engine.state, tasks: engine.tasks, standIn: engine.model?.standIn ?? false } });
  }
  if (!seen.has('loupe-ocr') && ctx.status().engines.some((e) => e.kind === 'ocr' && e.state !== 'absent')) {
    data.push({ id: 'loupe-ocr', object: 'model', created, owned_by: 'loupe' });
  }
  sendJson(res, 200, { object: 'list', data });
}
