export const DEMO_TARGET: string;
export const SCRATCH_TARGET: string;
export const DEMO_LABEL: string;
export interface RunningWeb {
  /** The console's URL, bridge, token and portal in its fragment. */
  url: string;
  origin: string;
  bridge: string;
  token: string;
  portal: string;
  /** Sessions the built-in target has in Full Feature Phase now. */
  sessions(): number;
  stop(): Promise<void>;
}
export function startWeb(opts?: { port?: number; log?: (line: string) => void }): Promise<RunningWeb>;
