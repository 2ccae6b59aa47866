#!/usr/bin/env node
// CI guard for the contracts: buf lint, buf breaking against the previous commit (when there
// is one that has proto/), and "regenerating produces no diff" for libs/contracts.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const buf = join(root, 'node_modules/.bin/buf');
const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });

execFileSync(buf, ['lint', 'proto'], { cwd: root, stdio: 'inherit' });

if (git('cat-file', '-e', 'HEAD~1:proto/failmine').status === 0) {
  execFileSync(buf, ['breaking', 'proto', '--against', '.git#ref=HEAD~1,subdir=proto'], {
    cwd: root,
    stdio: 'inherit',
  });
  console.log('buf breaking: no breaking change against HEAD~1');
} else {
  console.log('buf breaking: skipped (HEAD~1 has no proto/ to compare against)');
}

execFileSync('node', [join(root, 'scripts/generate-contracts.mjs')], { cwd: root, stdio: 'inherit' });
const status = git('status', '--porcelain', '--', 'libs/contracts').stdout.trim();
if (status !== '') {
  console.error(
    `libs/contracts differs from what proto/ generates; run \`npm run proto:gen\` and commit:\n${status}`,
  );
  process.exit(1);
}
console.log('contracts: generated code matches proto/');
