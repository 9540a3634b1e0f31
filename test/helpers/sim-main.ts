// npm run sim -- [--seed S] [--runs N | --seconds T] [--steps K]: runs N seeds from S (or as many
// as fit in T seconds) and prints each one that breaks an invariant, with the command that
// replays it; exits 1 if any did.
import { simulate } from './simulation.ts';
import { scriptArgs } from './runtime.ts';

const argv = scriptArgs();
const num = (
  name: string,
  def: number,
) => (argv.includes(`--${name}`) ? Number(argv[argv.indexOf(`--${name}`) + 1]) : def);
const seed = num('seed', 1), steps = num('steps', 400), seconds = num('seconds', 0);
const runs = seconds ? Infinity : num('runs', 1000);
const end = Date.now() + seconds * 1000;
let bad = 0, ran = 0;
for (let s = seed; s < seed + runs && (!seconds || Date.now() < end); s++, ran++) {
  const r = simulate(s, steps);
  if (!r.violations.length && !r.unfinished) continue;
  bad++;
  console.log(
    `seed ${s}: ${r.violations.length} violation(s), ${r.unfinished} unfinished; replay: npm run sim -- --seed ${s} --runs 1 --steps ${steps}`,
  );
  for (const v of r.violations.slice(0, 5)) console.log(`  ${v}`);
}
console.log(`${ran} seeds from ${seed}, ${steps} steps each: ${bad} broke an invariant`);
(globalThis as unknown as { process: { exitCode: number } }).process.exitCode = bad ? 1 : 0;
