// Reads MMLU's CSV files (question, four choices, answer index) for tests and the benchmark.
import { readdirSync, readFileSync } from 'node:fs';

/** One MMLU question: its file, the choices and the correct letter. */
export interface MmluRow {
  file: string;
  question: string;
  choices: string[];
  letter: string;
}

// RFC 4180 rows: quoted fields may hold commas, doubled quotes and newlines.
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && c === '\n') {
      rows.push([...row, field.replace(/\r$/, '')]);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** Every question of every CSV in an MMLU split folder (header rows skipped). */
export function readMmlu(dir: URL): MmluRow[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.csv'))
    .sort()
    .flatMap((file) =>
      csvRows(readFileSync(new URL(file, dir), 'utf8'))
        .slice(1)
        .filter((r) => r.length === 6)
        .map((r) => ({
          file,
          question: r[0] ?? '',
          choices: r.slice(1, 5),
          letter: 'ABCD'[Number(r[5])] ?? '?',
        })),
    );
}
