// A grouped bar chart as SVG: one group per measurement, one bar per implementation, on a linear
// axis from zero (throughput compares by ratio, which a linear axis shows as it is).
export interface Group {
  label: string;
  /** Keyed by a series name of the legend; a series missing from a group leaves a gap. */
  values: Record<string, number>;
}
export interface Legend {
  name: string;
  color: string;
}

export function barChart(groups: Group[], legend: Legend[], title: string, unit: string): string {
  const W = 860, H = 420, L = 70, R = 200, T = 40, B = 60;
  const max = Math.max(1, ...groups.flatMap((g) => Object.values(g.values)));
  const step = niceStep(max / 5), top = Math.ceil(max / step) * step;
  const y = (v: number) => T + (1 - v / top) * (H - T - B);
  const gw = (W - L - R) / groups.length, bw = (gw * 0.8) / legend.length;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${L}" y="22" font-size="14">${title}</text>`,
  ];
  for (let v = 0; v <= top; v += step) {
    out.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${L - 8}" y="${y(v) + 4}" text-anchor="end">${v}</text>`,
    );
  }
  out.push(
    `<text x="14" y="${(T + H - B) / 2}" transform="rotate(-90 14 ${
      (T + H - B) / 2
    })" text-anchor="middle">${unit}</text>`,
  );
  groups.forEach((g, i) => {
    const x0 = L + i * gw + gw * 0.1;
    legend.forEach((s, j) => {
      const v = g.values[s.name];
      if (v === undefined) return;
      const x = x0 + j * bw;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${
          (y(0) - y(v)).toFixed(1)
        }" fill="${s.color}"/>`,
        `<text x="${(x + bw / 2 - 1).toFixed(1)}" y="${(y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="9">${
          Math.round(v)
        }</text>`,
      );
    });
    out.push(`<text x="${(L + (i + 0.5) * gw).toFixed(1)}" y="${H - B + 18}" text-anchor="middle">${g.label}</text>`);
  });
  legend.forEach((s, i) => {
    out.push(
      `<rect x="${W - R + 15}" y="${T + 4 + i * 20}" width="14" height="12" fill="${s.color}"/>`,
      `<text x="${W - R + 35}" y="${T + 14 + i * 20}">${s.name}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

const niceStep = (raw: number) => {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
};
