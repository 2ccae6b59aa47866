/** A value that survives JSON.stringify / jsonb unchanged. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Serialises a value for a `$n::jsonb` parameter. */
export function toJsonb(value: JsonValue): string {
  // NOTE: pg would send a JS array as a Postgres array literal, not JSON; always stringify.
  return JSON.stringify(value);
}
