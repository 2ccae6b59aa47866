import { parseArgs } from 'node:util';
import type { z } from 'zod';

/** One configuration value: its flag, its environment variable and its schema (with default). */
export interface ConfigField<T extends z.ZodType = z.ZodType> {
  /** Flag name without dashes, e.g. "port" for --port; absent for env-only secrets (tokens). */
  flag?: string;
  /** Environment variable read when the flag is absent, e.g. "FAILMINE_PORT". */
  env?: string;
  /** Validates and converts the raw string; carries the default. */
  schema: T;
  /** One line for --help. */
  description: string;
  /** A flag that takes no value (--verbose); its schema receives "true". */
  boolean?: boolean;
}

/** A service's whole configuration, field name to field. */
export type ConfigSpec = Record<string, ConfigField>;

/** The parsed configuration object of a spec. */
export type ConfigOf<S extends ConfigSpec> = { [K in keyof S]: z.output<S[K]['schema']> };

/** Bad configuration: the message names the flag and variable and says what was wrong. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Thrown for --help: carries the usage text, which is not an error. */
export class HelpRequested extends Error {
  override name = 'HelpRequested';
}

/**
 * Parses flags (which win) and environment variables against a spec, once, at the edge.
 * Unknown flags and invalid values throw ConfigError with a one-line message naming the field.
 */
export function parseConfig<S extends ConfigSpec>(
  spec: S,
  source: { argv: readonly string[]; env: NodeJS.ProcessEnv; program: string; summary: string },
): ConfigOf<S> {
  const options: Record<string, { type: 'string' | 'boolean' }> = { help: { type: 'boolean' } };
  for (const field of Object.values(spec)) {
    if (field.flag) options[field.flag] = { type: field.boolean ? 'boolean' : 'string' };
  }

  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...source.argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new ConfigError(`${(err as Error).message.split('\n')[0]} (run ${source.program} --help)`);
  }
  if (values.help) throw new HelpRequested(usage(spec, source.program, source.summary));

  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(spec)) {
    const flagValue = field.flag ? values[field.flag] : undefined;
    const fromFlag = flagValue !== undefined;
    const raw = fromFlag ? String(flagValue) : field.env ? source.env[field.env] : undefined;
    const parsed = field.schema.safeParse(raw === '' ? undefined : raw);
    if (!parsed.success) {
      const why = parsed.error.issues[0]?.message ?? 'invalid value';
      throw new ConfigError(
        `invalid ${describeSource(field, fromFlag)}: ${why}; got ${JSON.stringify(raw ?? null)}`,
      );
    }
    out[key] = parsed.data;
  }
  return out as ConfigOf<S>;
}

// Names where the bad value came from first, and the other way to set it second.
function describeSource(field: ConfigField, fromFlag: boolean): string {
  const flag = field.flag ? `--${field.flag}` : undefined;
  const env = field.env;
  if (fromFlag || !env) return env ? `${flag} (flag; env ${env})` : `${flag}`;
  return flag ? `${env} (env; flag ${flag})` : env;
}

/** The --help text of a spec: one line per flag with its variable and description. */
export function usage(spec: ConfigSpec, program: string, summary: string): string {
  const rows = Object.values(spec).map((f) => {
    const left = f.flag ? `  --${f.flag}${f.boolean ? '' : ' <value>'}` : `  (env ${f.env})`;
    return `${left.padEnd(30)} ${f.description}${f.flag && f.env ? ` [env ${f.env}]` : ''}`;
  });
  return `${summary}\n\nUsage: ${program} [flags]\n\nFlags:\n${rows.join('\n')}\n  ${'--help'.padEnd(28)} Show this help.\n`;
}
