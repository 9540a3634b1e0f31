// bench/logout-scale.svg: LogoutFromTarget wall time against the number of sessions, ours per
// runtime beside both libiscsi variants, drawn from the figures the benchmark just measured.
export interface Series {
  name: string;
  color: string;
  points: [number, number][];
}

export function scaleChart(series: Series[], title: string): string {
  const W = 720, H = 420, L = 70, R = 170, T = 40, B = 50;
  const xs = [...new Set(series.flatMap((s) => s.points.map(([n]) => n)))].sort((a, b) => a - b);
  const ys = series.flatMap((s) => s.points.map(([, y]) => y)).filter((y) => y > 0);
  const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...ys)))),
    hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...ys))));
  const x = (n: number) => L + (xs.indexOf(n) / Math.max(1, xs.length - 1)) * (W - L - R);
  const y = (v: number) =>
    T + (1 - (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * (H - T - B);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">${title}</text>`,
  ];
  for (let d = lo; d <= hi; d *= 10) {
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(d)}" y2="${y(d)}" stroke="#ddd"/>`,
      `<text x="${L - 8}" y="${y(d) + 4}" text-anchor="end">${d} ms</text>`,
    );
  }
  for (const n of xs) out.push(`<text x="${x(n)}" y="${H - B + 18}" text-anchor="middle">${n}</text>`);
  out.push(
    `<text x="${(L + W - R) / 2}" y="${H - 12}" text-anchor="middle">sessions logged out (one LogoutFromTarget)</text>`,
  );
  series.forEach((s, i) => {
    const pts = s.points.filter(([, v]) => v > 0).map(([n, v]) => `${x(n).toFixed(1)},${y(v).toFixed(1)}`);
    out.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"/>`);
    for (const p of pts) out.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${s.color}"/>`);
    out.push(
      `<line x1="${W - R + 15}" x2="${W - R + 35}" y1="${T + 10 + i * 20}" y2="${
        T + 10 + i * 20
      }" stroke="${s.color}" stroke-width="2"/>`,
      `<text x="${W - R + 40}" y="${T + 14 + i * 20}">${s.name}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
