import { type z } from 'zod';

/** One problem with a submitted document: where it is and why it is wrong. */
export interface Problem {
  field: string;
  reason: string;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** Validates with a zod schema and lists every problem (not only the first). */
export function validateWith<S extends z.ZodType>(schema: S, input: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      field: issue.path.length ? issue.path.join('.') : '(body)',
      reason: issue.message,
    })),
  };
}
