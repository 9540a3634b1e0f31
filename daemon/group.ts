// A group name to its id, from /etc/group (Node has no getgrnam).
import { readFileSync } from 'node:fs';
import { StartError } from './place-error.ts';

export function groupId(name: string, file = '/etc/group'): number {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [n, , gid] = line.split(':');
    if (n === name && /^\d+$/.test(gid ?? '')) return Number(gid);
  }
  throw new StartError(`no group named ${name} in ${file}`);
}
