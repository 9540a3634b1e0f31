// Median and 90th percentile of a set of timings, in milliseconds.
export function stats(ms: number[]): { medianMs: number; p90Ms: number } {
  const s = [...ms].sort((x, y) => x - y);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(s.length * q))];
  return { medianMs: Number(at(0.5).toFixed(4)), p90Ms: Number(at(0.9).toFixed(4)) };
}
