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
