// Prints the simulation hash for the seeds given on the command line (one JSON line).
import { simulate } from './simulation.ts';
const argv: string[] = (globalThis as { Deno?: { args: string[] } }).Deno?.args ?? (globalThis as unknown as { process: { argv: string[] } }).process.argv.slice(2);
console.log(JSON.stringify(argv.map((s) => simulate(Number(s)))));
