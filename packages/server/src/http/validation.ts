import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

/**
 * Bodies are validated strictly (no type coercion, unknown fields rejected by the schemas), while
 * path params and query strings are text on the wire and are coerced to the schema's types.
 */
const strict = addFormats(new Ajv({ coerceTypes: false, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));
const coercing = addFormats(new Ajv({ coerceTypes: true, useDefaults: true, removeAdditional: false, allErrors: false, strict: false }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? strict : coercing).compile(schema as object) as ReturnType<FastifySchemaCompiler<unknown>>;

/** The field an ajv error is about, as a dotted path a developer can find in their request. */
export function fieldOf(error: ErrorObject, part: string | undefined): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty ?? '') : '';
  const extra = error.keyword === 'additionalProperties' ? String((error.params as { additionalProperty?: string }).additionalProperty ?? '') : '';
  const leaf = missing || extra;
  const field = [path, leaf].filter(Boolean).join('.');
  return field || (part === 'body' ? 'body' : part ?? 'request');
}

export function describe(error: ErrorObject, field: string): string {
  switch (error.keyword) {
    case 'required':
      return `${field} is required.`;
    case 'additionalProperties':
      return `${field} is not a known field.`;
    default:
      return `${field} ${error.message ?? 'is invalid'}.`;
  }
}
