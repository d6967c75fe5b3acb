import { useId, useMemo, useState } from "react";

export interface Point {
  step: number;
  value: number;
}

/** Round tick values covering [min, max] (about `count` of them). */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (min === max) {
    const pad = Math.abs(min) * 0.1 || 1;
    min -= pad;
    max += pad;
  }
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  const step = (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 0.5; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

export function formatAxis(value: number): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(1);
  if (abs >= 1000) return `${Number((value / 1000).toPrecision(4))}k`;
  return String(Number(value.toPrecision(3)));
}

const W = 640;
const H = 220;
const PAD = { top: 12, right: 16, bottom: 28, left: 52 };

/**
 * A line over training steps, drawn as SVG (no chart library). Hovering shows the nearest
 * point; screen readers get a one-line summary of the curve.
 */
export function LineChart({
  points,
  label,
  color = "var(--accent)",
}: {
  points: Point[];
  label: string;
  color?: string;
}) {
  const titleId = useId();
  const [hover, setHover] = useState<number | null>(null);
  const sorted = useMemo(() => [...points].sort((a, b) => a.step - b.step), [points]);

  const layout = useMemo(() => {
    if (!sorted.length) return null;
    const steps = sorted.map((p) => p.step);
    const values = sorted.map((p) => p.value);
    const xTicks = niceTicks(Math.min(...steps), Math.max(...steps), 6);
    const yTicks = niceTicks(Math.min(...values), Math.max(...values), 4);
    const x0 = Math.min(xTicks[0]!, ...steps);
    const x1 = Math.max(xTicks[xTicks.length - 1]!, ...steps);
    const y0 = yTicks[0]!;
    const y1 = yTicks[yTicks.length - 1]!;
    const sx = (step: number) => PAD.left + ((step - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
    const sy = (value: number) => H - PAD.bottom - ((value - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
    const path = sorted.map((p, i) => `${i ? "L" : "M"}${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join("");
    return { xTicks: xTicks.filter((t) => t >= x0 && t <= x1), yTicks, sx, sy, path };
  }, [sorted]);

  if (!layout) {
    return (
      <figure className="chart chart-empty">
        <figcaption className="chart-title">{label}</figcaption>
        <p className="muted">No points yet.</p>
      </figure>
    );
  }

  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const summary = `${label}: ${sorted.length} points, from ${formatAxis(first.value)} at step ${first.step} to ${formatAxis(last.value)} at step ${last.step}.`;
  const active = hover === null ? null : sorted[hover]!;

  const onMove = (event: React.MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * W;
    let best = 0;
    let bestDistance = Infinity;
    sorted.forEach((p, i) => {
      const d = Math.abs(layout.sx(p.step) - x);
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    setHover(best);
  };

  return (
    <figure className="chart">
      <figcaption className="chart-title">
        <span>{label}</span>
        <span className="chart-latest mono">
          {active ? `step ${active.step}: ${formatAxis(active.value)}` : `latest ${formatAxis(last.value)}`}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      >
        <title id={titleId}>{summary}</title>
        {layout.yTicks.map((t) => (
          <g key={`y${t}`}>
            <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={layout.sy(t)} y2={layout.sy(t)} />
            <text className="chart-tick" x={PAD.left - 8} y={layout.sy(t)} textAnchor="end" dominantBaseline="middle">
              {formatAxis(t)}
            </text>
          </g>
        ))}
        {layout.xTicks.map((t) => (
          <text key={`x${t}`} className="chart-tick" x={layout.sx(t)} y={H - 8} textAnchor="middle">
            {formatAxis(t)}
          </text>
        ))}
        <path d={layout.path} fill="none" stroke={color} strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" />
        {sorted.length === 1 ? <circle cx={layout.sx(first.step)} cy={layout.sy(first.value)} r={3.5} fill={color} /> : null}
        {active ? (
          <g>
            <line className="chart-cursor" x1={layout.sx(active.step)} x2={layout.sx(active.step)} y1={PAD.top} y2={H - PAD.bottom} />
            <circle cx={layout.sx(active.step)} cy={layout.sy(active.value)} r={4} fill={color} stroke="var(--surface)" strokeWidth={2} />
          </g>
        ) : null}
      </svg>
    </figure>
  );
}
