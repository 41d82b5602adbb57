/** Schemas the structured-output tests share: flat, nested with arrays, enums. */
export const SCHEMAS: Record<string, Record<string, unknown>> = {
  flat: {
    type: 'object',
    properties: { name: { type: 'string' }, company: { type: 'string' }, phone: { type: 'string' }, age: { type: 'integer' }, verified: { type: 'boolean' } },
    required: ['name', 'company', 'phone', 'age', 'verified'],
    additionalProperties: false,
  },
  nested: {
    type: 'object',
    properties: {
      vendor: { type: 'object', properties: { name: { type: 'string' }, address: { type: ['string', 'null'] } }, required: ['name', 'address'] },
      items: {
        type: 'array',
        minItems: 1,
        items: { type: 'object', properties: { description: { type: 'string' }, quantity: { type: 'integer' }, price: { type: 'number' } }, required: ['description', 'quantity', 'price'] },
      },
      tags: { type: 'array', items: { type: 'string' } },
      total: { type: 'number' },
    },
    required: ['vendor', 'items', 'total'],
  },
  enums: {
    type: 'object',
    properties: {
      status: { type: 'string', enum: ['paid', 'unpaid', 'overdue'] },
      currency: { enum: ['USD', 'EUR', 'CNY'] },
      priority: { type: 'integer', enum: [1, 2, 3] },
      flags: { type: 'array', items: { type: 'string', enum: ['urgent', 'disputed', 'recurring'] }, maxItems: 3 },
      note: { type: 'null' },
    },
    required: ['status', 'currency', 'priority', 'flags', 'note'],
  },
};
