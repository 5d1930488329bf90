import { Type, type TSchema } from 'typebox';

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const ProblemSchema = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
}, { $id: 'Problem', description: 'RFC 9457 problem details' });

/** Problem responses a route may give, by status. */
export function problems(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]));
}

export const CodeParams = Type.Object({ code: Type.String({ maxLength: 200 }) });

export const Limit = Type.Integer({ minimum: 1, maximum: 1000, default: 50 });
export const Cursor = Type.String({ maxLength: 200 });
export const TimeParam = Type.String({ maxLength: 64, description: 'ISO 8601 date-time with zone, or YYYY-MM-DD' });
