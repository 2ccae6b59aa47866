import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ServiceInfo } from '@failmine/contracts';

const startedAtUnixMs = Date.now() - Math.round(process.uptime() * 1000);

/** The ServiceInfo a service's Describe answers, filled with facts about this process. */
export function describeService(fields: {
  name: string;
  version: string;
  implementation?: string;
  capabilities?: string[];
  attributes?: Record<string, string>;
}): ServiceInfo {
  return {
    name: fields.name,
    version: fields.version,
    implementation: fields.implementation ?? fields.name,
    capabilities: fields.capabilities ?? [],
    attributes: fields.attributes ?? {},
    runtimeVersion: process.version,
    startedAtUnixMs,
    host: hostname(),
    apiVersion: 'failmine.v1',
  };
}

/** The version field of the package.json one level above the calling module (src/ or dist/). */
export function packageVersion(moduleUrl: string): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', moduleUrl), 'utf8')) as {
    version?: unknown;
  };
  return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
}
