import type { ResponseFormat } from '@loupe/shared';
import { t, type MessageKey } from '../i18n/i18n';
import { fieldsToSchema } from './field-list';
import { presetById } from './presets';
import { parseSchemaText } from './schema-text';

/** What the user chose in the panel's Extract as JSON form: one preset, a field list, or a pasted schema. */
export type ExtractChoice = { kind: 'preset'; id: string } | { kind: 'fields'; text: string } | { kind: 'schema'; text: string };

export type ExtractRequest = { ok: true; prompt: string; format: ResponseFormat } | { ok: false; message: MessageKey; subs: string[] };

/**
 * The job for a choice: a JSON Schema format (preset, fields or pasted schema), or any JSON
 * object when no field is given, with the prompt that names what to extract.
 */
export function extractRequest(choice: ExtractChoice | undefined): ExtractRequest {
  if (!choice) return { ok: true, prompt: t('extractPrompt'), format: { type: 'json_object' } };
  if (choice.kind === 'preset') {
    const preset = presetById(choice.id);
    if (!preset) return { ok: false, message: 'presetUnknown', subs: [choice.id] };
    return { ok: true, prompt: t('extractPromptPreset', t(preset.title)), format: { type: 'json_schema', name: preset.id, schema: preset.schema } };
  }
  const parsed = choice.kind === 'fields' ? fieldsToSchema(choice.text) : parseSchemaText(choice.text);
  if (!parsed) return { ok: true, prompt: t('extractPrompt'), format: { type: 'json_object' } };
  if (!parsed.ok) return parsed;
  return { ok: true, prompt: t('extractPrompt'), format: { type: 'json_schema', schema: parsed.schema } };
}

/** An answer as pretty JSON for the panel, or null when it is not JSON (an error, an unfinished stream). */
export function prettyJson(text: string): string | null {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return null;
  }
}
