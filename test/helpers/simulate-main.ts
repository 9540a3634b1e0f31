// Prints the simulation hash for the seeds given on the command line (one JSON line).
import { simulate } from './simulation.ts';
import { scriptArgs } from './runtime.ts';
console.log(JSON.stringify(scriptArgs().map((s) => simulate(Number(s)))));
