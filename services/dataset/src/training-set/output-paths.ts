import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InvalidArgumentError } from '@failmine/runtime';

/**
 * Resolves a caller-given relative path under `root`, refusing absolute paths and any path that
 * would leave `root` ("../x"), so a request can never write or read outside the output directory.
 */
export function resolveUnder(root: string, path: string, field: string): string {
  if (path === '' || isAbsolute(path) || path.includes('\0'))
    throw new InvalidArgumentError(`${field} must be a non-empty relative path, got "${path}"`);
  const full = resolve(root, path);
  const rel = relative(resolve(root), full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel))
    throw new InvalidArgumentError(`${field} "${path}" leaves the output directory`);
  return full;
}

/**
 * A glob over '/'-separated relative paths as a RegExp: `*` and `?` stay within one segment,
 * `**` spans segments. Other characters match themselves.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*' && glob[i + 1] === '*') {
      // "**/" matches zero or more whole segments; a trailing "**" matches the rest.
      if (glob[i + 2] === '/') {
        out += '(?:[^/]+/)*';
        i += 2;
      } else {
        out += '.*';
        i += 1;
      }
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${out}$`);
}
