import { Ajv, type ValidateFunction } from 'ajv';
import { ProtocolError, type Locale, type ResponseFormat } from '@loupe/shared';
import { JsonConstraint } from './json-constraint';
import { compileSchema, UnsupportedSchemaError, type SchemaNode } from './schema-node';
import { tokenBytesFor, type VocabSource } from './token-bytes';

/**
 * A job's `format`: the schema checked (Ajv) and compiled for constrained decoding before
 * the model runs, the prompt told what shape to answer in, and the finished answer
 * validated once more (keywords decoding cannot enforce, such as pattern or minimum).
 */
export interface StructuredOutput {
  constraint: JsonConstraint;
  /** Throws a one-line error when the answer does not parse or match the schema. */
  check(text: string): void;
}

const ajv = new Ajv({ strict: false, allErrors: false });

export function prepareStructuredOutput(format: ResponseFormat, options: { jobId: string; tokenizer: VocabSource; eos: number; maxTokens: number }): StructuredOutput {
  let node: SchemaNode = { kind: 'any', objectOnly: true };
  let validate: ValidateFunction | undefined;
  if (format.type === 'json_schema') {
    try {
      validate = ajv.compile(format.schema);
      node = compileSchema(format.schema);
    } catch (error) {
      const why = error instanceof UnsupportedSchemaError ? error.message : `invalid JSON Schema: ${(error as Error).message}`;
      throw new ProtocolError('bad_request', `format.schema: ${why}`, 'Send a JSON Schema with type object, string, number, integer, boolean, null, array, enum or local $ref.', options.jobId);
    }
  }
  const constraint = new JsonConstraint({ node, tokens: tokenBytesFor(options.tokenizer), eos: options.eos, maxTokens: options.maxTokens });
  return {
    constraint,
    check(text) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        throw new ProtocolError('internal', 'the structured answer is not complete JSON (it ran out of tokens)', 'Raise max_tokens, or ask for fewer fields.', options.jobId);
      }
      if (validate && !validate(value)) {
        const first = validate.errors?.[0];
        throw new ProtocolError('internal', `the answer does not match the JSON Schema: ${first ? `${first.instancePath || '/'} ${first.message}` : 'invalid'}`, 'Constrained decoding cannot enforce pattern, format, minimum/maximum or uniqueItems; relax them.', options.jobId);
      }
    },
  };
}

/** Appended to the task prompt so a real model knows the shape before the mask forces it. */
export function formatInstruction(format: ResponseFormat, locale: Locale): string {
  const schema = format.type === 'json_schema' ? JSON.stringify(format.schema) : undefined;
  if (locale === 'zh-CN') return schema ? `\n\n只输出符合以下 JSON Schema 的 JSON，不要添加其他文字：${schema}` : '\n\n只输出一个 JSON 对象，不要添加其他文字。';
  return schema ? `\n\nReply with only JSON that matches this JSON Schema, nothing else: ${schema}` : '\n\nReply with only one JSON object, nothing else.';
}
