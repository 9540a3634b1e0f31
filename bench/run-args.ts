// The options a benchmark runner takes, checked before it starts: a runner rewrites its section
// of bench/RESULTS.md, so `--help` or a mistyped flag must stop it with its usage, not run it.
export function runArgs(command: string, flags: string[], valued: string[]): void {
  const argv = process.argv.slice(2);
  const usage = `usage: npm run ${command} --${
    [...flags.map((f) => ` [--${f}]`), ...valued.map((v) => ` [--${v} N]`)].join('')
  }`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i].replace(/^--/, '');
    if (flags.includes(a)) continue;
    if (valued.includes(a) && i + 1 < argv.length && Number(argv[i + 1]) > 0) {
      i++;
      continue;
    }
    console.error(usage);
    process.exit(2);
  }
}

/** The number given as `--name` (runArgs has checked it is one above 0), or `def`. */
export function runNumber(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? def : Number(process.argv[i + 1]);
}

/** The command as it was given, flags and values included (`--json` only prints, so it is left
 *  out), for a section's `Command:` line to reproduce the section. */
export function commandLine(command: string): string {
  const argv = process.argv.slice(2).filter((a) => a !== '--json');
  return `npm run ${command}${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
}
