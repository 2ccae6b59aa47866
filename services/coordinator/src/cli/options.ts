// The CLI's option lists, one per concept: where the database is, where each service is,
// where datasets and traces go. Commands pick the lists they need.
import { DEFAULT_PORTS, type ServiceName } from '@failmine/runtime';
import { type Command, InvalidArgumentError as CommanderArgumentError, Option } from 'commander';
import { DEFAULT_DATA_DIR } from '../config.js';
import { CATEGORIES } from '../plan/category-sets.js';

/** Every service, in port order. */
export const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

/** A service other than the coordinator: one that a command may be given the address of. */
export type AddressedService = Exclude<ServiceName, 'coordinator'>;

/** Adds the options to a command (commander has no addOptions). */
export function withOptions(command: Command, options: readonly Option[]): Command {
  for (const o of options) command.addOption(o);
  return command;
}

/** --database-url (env DATABASE_URL) and --db-dir (env FAILMINE_DB_DIR): where run state lives. */
export function databaseOptions(): Option[] {
  return [
    new Option('--database-url <url>', 'Postgres connection string (default: the embedded database)').env(
      'DATABASE_URL',
    ),
    new Option('--db-dir <dir>', 'data directory of the embedded database')
      .env('FAILMINE_DB_DIR')
      .default(DEFAULT_DATA_DIR),
  ];
}

/** --<service>-address (env FAILMINE_<SERVICE>_ADDRESS) for each service. */
export function addressOptions(services: readonly AddressedService[]): Option[] {
  return services.map((service) =>
    new Option(
      `--${service}-address <host:port>`,
      `a running ${service} service (default: start one on loopback)`,
    ).env(`FAILMINE_${service.toUpperCase()}_ADDRESS`),
  );
}

/** --grader-address-<category> (env FAILMINE_GRADER_ADDRESS_<CATEGORY>): that category's grader. */
export function categoryGraderOptions(): Option[] {
  return CATEGORIES.map((category) =>
    new Option(
      `--grader-address-${category} <host:port>`,
      `a running grader for ${category} items (default: --grader-address, else start one)`,
    ).env(`FAILMINE_GRADER_ADDRESS_${category.toUpperCase()}`),
  );
}

/** --data-dir: the datasets a started dataset service serves. */
export function dataDirOption(): Option {
  return new Option('--data-dir <dir>', 'datasets of the embedded dataset service').default('data');
}

/** --trace-out: the run's spans as JSON lines. */
export function traceOutOption(): Option {
  return new Option(
    '--trace-out <file>',
    "append the run's spans to this JSON-lines file (started services: <file>.<service>.jsonl)",
  );
}

/** --services: a comma-separated subset of the services. */
export function servicesOption(): Option {
  return new Option('--services <list>', 'comma-separated subset of the services')
    .argParser(serviceList)
    .default(SERVICE_NAMES, 'all six');
}

function serviceList(value: string): ServiceName[] {
  const names = value.split(',').map((s) => s.trim());
  for (const n of names) {
    if (!SERVICE_NAMES.includes(n as ServiceName)) {
      throw new CommanderArgumentError(`unknown service "${n}"; known: ${SERVICE_NAMES.join(', ')}`);
    }
  }
  return names as ServiceName[];
}
