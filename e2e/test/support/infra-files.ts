import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@failmine/topology';
// NOTE: `yaml` comes hoisted from nx and @opentelemetry/sdk-node; e2e does not declare it yet.
import { parse, parseAllDocuments } from 'yaml';

/** infra/ of this checkout. */
export const infraDir = join(repoRoot, 'infra');

/** A parsed YAML mapping, read loosely: tests assert the fields they need. */
export type YamlMap = Record<string, unknown>;

/** Parses one YAML file under the repo root, resolving `<<` merge keys as compose does. */
export function readYamlFile(relPath: string): YamlMap {
  return parse(readFileSync(join(repoRoot, relPath), 'utf8'), { merge: true }) as YamlMap;
}

/** Parses every document of a multi-document YAML file; throws naming the file on a syntax error. */
export function readYamlDocuments(relPath: string): YamlMap[] {
  const docs = parseAllDocuments(readFileSync(join(repoRoot, relPath), 'utf8'));
  if (!Array.isArray(docs)) return [];
  return docs.map((doc, i) => {
    if (doc.errors.length > 0) throw new Error(`${relPath} document ${i}: ${doc.errors[0]?.message}`);
    return doc.toJS() as YamlMap;
  });
}

/** The result of a finished command. */
export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
  /** Set when the command could not be spawned at all (e.g. ENOENT: not on PATH). */
  spawnError?: Error;
}

/** Runs a command to completion from the repo root (no shell). */
export function runCommand(
  cmd: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): CommandResult {
  const res = spawnSync(cmd, args, {
    cwd: repoRoot,
    encoding: 'utf8',
    env: options.env ?? process.env,
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: res.status,
    stdout: res.stdout ?? '',
    stderr: res.stderr ?? '',
    ...(res.error ? { spawnError: res.error } : {}),
  };
}

/** True when `name` is an executable on PATH. */
export function onPath(name: string): boolean {
  return runCommand('sh', ['-c', `command -v ${name}`]).status === 0;
}

/** A value as a mapping, or a failure naming where it was expected. */
export function asMap(value: unknown, where: string): YamlMap {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return value as YamlMap;
}
