import { type GradeItem, GraderServiceClient, type Verdict } from '@failmine/contracts';
import { createClient } from '@failmine/runtime';

/** Grades `items` in one Grade stream over a fresh connection; resolves with the verdicts in order. */
export async function gradeOverSocket(address: string, items: readonly GradeItem[]): Promise<Verdict[]> {
  const client = createClient(GraderServiceClient, address);
  try {
    const call = client.grade({ deadline: Date.now() + 60_000 });
    const verdicts: Verdict[] = [];
    const done = new Promise<void>((resolve, reject) => {
      call.on('data', (res: { verdict?: Verdict }) => {
        if (res.verdict) verdicts.push(res.verdict);
      });
      call.on('error', reject);
      call.on('end', resolve);
    });
    for (const item of items) call.write({ message: { $case: 'item', item } });
    call.end();
    await done;
    return verdicts;
  } finally {
    client.close();
  }
}
