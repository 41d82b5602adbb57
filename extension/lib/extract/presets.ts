import type { MessageKey } from '../i18n/message-key';

/** A JSON Schema object (what `format.schema` carries). */
export type JsonSchema = Record<string, unknown>;

/**
 * One "Extract as JSON" preset: its id, its name in `_locales`, and the schema the answer must
 * match. The panel's preset list, the prompt and the job's `format` all derive from this.
 */
export interface ExtractPreset {
  id: string;
  title: MessageKey;
  schema: JsonSchema;
}

const text = { type: 'string' } as const;
const amount = { type: 'number' } as const;
const object = (properties: Record<string, unknown>): JsonSchema => ({ type: 'object', properties, required: Object.keys(properties), additionalProperties: false });

export const EXTRACT_PRESETS: readonly ExtractPreset[] = [
  {
    id: 'invoice',
    title: 'presetInvoice',
    schema: object({
      invoice_number: text,
      date: text,
      seller: text,
      buyer: text,
      currency: text,
      line_items: { type: 'array', items: object({ description: text, quantity: amount, unit_price: amount, amount }) },
      subtotal: amount,
      tax: amount,
      total: amount,
    }),
  },
  {
    id: 'receipt',
    title: 'presetReceipt',
    schema: object({
      merchant: text,
      date: text,
      items: { type: 'array', items: object({ name: text, price: amount }) },
      total: amount,
      payment_method: { enum: ['cash', 'card', 'mobile', 'other', 'unknown'] },
    }),
  },
  {
    id: 'business-card',
    title: 'presetBusinessCard',
    schema: object({
      name: text,
      title: text,
      company: text,
      phones: { type: 'array', items: text },
      emails: { type: 'array', items: text },
      website: text,
      address: text,
    }),
  },
  {
    id: 'table',
    title: 'presetTable',
    schema: object({
      columns: { type: 'array', items: text },
      rows: { type: 'array', items: { type: 'array', items: text } },
    }),
  },
];

export function presetById(id: string): ExtractPreset | undefined {
  return EXTRACT_PRESETS.find((p) => p.id === id);
}
