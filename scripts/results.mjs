// Rewrites one benchmark's section of bench/RESULTS.md, leaving the others as they are.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';

const sh = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
};

export function machineLine() {
  const deno = sh('node_modules/.bin/deno', ['--version']).split('\n')[0].split(' ')[1] ?? '?';
  const bun = sh('node_modules/.bin/bun', ['--version']).trim() || '?';
  const cc = sh('cc', ['--version']).split('\n')[0] || 'no C compiler';
  return `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${
    Math.round(os.totalmem() / 2 ** 30)
  } GiB, ` +
    `${os.platform()} ${os.release()}. Versions: node ${process.version}, deno ${deno}, bun ${bun}, ${cc}.`;
}

export function writeSection(which, body) {
  const section = `<!-- ${which}:start -->\n${body}\n<!-- ${which}:end -->`;
  const path = 'bench/RESULTS.md';
  let doc = existsSync(path)
    ? readFileSync(path, 'utf8')
    : '# Benchmark results\n\nWritten by the bench scripts; every figure below was measured by the command above it.\n\n<!-- notes:start -->\n<!-- notes:end -->\n';
  const re = new RegExp(`<!-- ${which}:start -->[\\s\\S]*?<!-- ${which}:end -->`);
  doc = re.test(doc)
    ? doc.replace(re, section)
    : doc.replace('<!-- notes:start -->', `${section}\n\n<!-- notes:start -->`);
  writeFileSync(path, doc);
  return section;
}
