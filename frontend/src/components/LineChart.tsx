import { useEffect, useId, useMemo, useState } from "react";

export interface Point {
  step: number;
  value: number;
}

/** One labelled line of a chart. */
export interface Series {
  label: string;
  points: Point[];
  color?: string;
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
  // From the last round value at or below min to the first at or above max: the data never
  // leaves the axis (a latest value of 4.38 with a step of 1 needs the tick 5).
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let i = first; i <= last; i += 1) {
    ticks.push(Number((i * step).toPrecision(12)));
  }
  return ticks;
}

/** A value on an axis or in a legend, short; `extra` digits more where neighbours need them. */
export function formatAxis(value: number, extra = 0): string {
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return value.toExponential(1 + extra);
  if (abs >= 1000) return `${Number((value / 1000).toPrecision(4 + extra))}k`;
  return String(Number(value.toPrecision(3 + extra)));
}

/** Labels for an axis's ticks: as short as formatAxis makes them, with as many more digits as
 * it takes for no two ticks to read alike (1.05e-4 and 1.1e-4, not "1.1e-4" twice). */
export function tickLabels(ticks: number[]): string[] {
  for (let extra = 0; extra < 6; extra += 1) {
    const labels = ticks.map((t) => formatAxis(t, extra));
    if (new Set(labels).size === labels.length) return labels;
  }
  return ticks.map((t) => String(t));
}

/** The value of a step-sorted series at `step`: the last point at or before it. */
export function valueAt(points: Point[], step: number): Point | null {
  let found: Point | null = null;
  for (const p of points) {
    if (p.step > step) break;
    found = p;
  }
  return found;
}

function describe(label: string, points: Point[]): string {
  const first = points[0]!;
  const last = points[points.length - 1]!;
  return `${label}: ${points.length} points, from ${formatAxis(first.value)} at step ${first.step} to ${formatAxis(last.value)} at step ${last.step}`;
}

/** The drawing's width when its box cannot be measured (tests; before the first layout). */
const DEFAULT_W = 640;
const MIN_W = 280;
const H = 220;

/**
 * The width of an element's box in CSS pixels, followed as it changes: a chart is drawn at its
 * real width, so its labels stay 11 px on a phone instead of shrinking with a scaled drawing.
 */
function useBoxWidth(element: HTMLElement | null): number {
  const [width, setWidth] = useState(DEFAULT_W);
  useEffect(() => {
    if (!element || typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver((entries) => {
      const measured = Math.round(entries[0]?.contentRect.width ?? 0);
      if (measured > 0) setWidth(Math.max(MIN_W, measured));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [element]);
  return width;
}
const PAD = { top: 12, right: 16, bottom: 28, left: 52 };
const PALETTE = ["#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#7c3aed"];

/**
 * Lines over training steps, drawn as SVG (no chart library): one (`points`) or several labelled
 * ones (`series`, with a legend). Hovering shows the values at the nearest step; screen readers
 * get a one-line summary of every curve.
 */
export function LineChart({
  points,
  label,
  color = "var(--accent)",
  series,
  domain,
  markers = false,
}: {
  points?: Point[];
  label: string;
  color?: string;
  series?: Series[];
  /** Values the y axis always covers, e.g. a scorer's whole range (0 to 1). */
  domain?: [number, number];
  /** A dot on every point: for sparse measurements (held-out evaluations every few steps). */
  markers?: boolean;
}) {
  const titleId = useId();
  // A callback ref: the figure is a different element once the first points arrive.
  const [box, setBox] = useState<HTMLElement | null>(null);
  const W = useBoxWidth(box);
  const [hover, setHover] = useState<number | null>(null);
  const lines = useMemo(() => {
    const given = series ?? [{ label, points: points ?? [], color }];
    return given
      .map((s, i) => ({
        label: s.label,
        color: s.color ?? PALETTE[i % PALETTE.length]!,
        points: [...s.points].sort((a, b) => a.step - b.step),
      }))
      .filter((s) => s.points.length > 0);
  }, [series, points, label, color]);
  const legend = series !== undefined;

  const layout = useMemo(() => {
    if (!lines.length) return null;
    const all = lines.flatMap((s) => s.points);
    const steps = [...new Set(all.map((p) => p.step))].sort((a, b) => a - b);
    const values = [...all.map((p) => p.value), ...(domain ?? [])];
    const xTicks = niceTicks(steps[0]!, steps[steps.length - 1]!, W < 480 ? 4 : 6);
    const yTicks = niceTicks(Math.min(...values), Math.max(...values), 4);
    const x0 = Math.min(xTicks[0]!, steps[0]!);
    const x1 = Math.max(xTicks[xTicks.length - 1]!, steps[steps.length - 1]!);
    const y0 = yTicks[0]!;
    const y1 = yTicks[yTicks.length - 1]!;
    const sx = (step: number) => PAD.left + ((step - x0) / (x1 - x0 || 1)) * (W - PAD.left - PAD.right);
    const sy = (value: number) => H - PAD.bottom - ((value - y0) / (y1 - y0 || 1)) * (H - PAD.top - PAD.bottom);
    const paths = lines.map((s) =>
      s.points.map((p, i) => `${i ? "L" : "M"}${sx(p.step).toFixed(1)},${sy(p.value).toFixed(1)}`).join(""),
    );
    const shownX = xTicks.filter((t) => t >= x0 && t <= x1);
    return {
      steps,
      xTicks: shownX,
      xLabels: tickLabels(shownX),
      yTicks,
      yLabels: tickLabels(yTicks),
      sx,
      sy,
      paths,
    };
  }, [lines, domain, W]);

  if (!layout) {
    return (
      <figure className="chart chart-empty" ref={setBox}>
        <figcaption className="chart-title">{label}</figcaption>
        <p className="muted">No points yet.</p>
      </figure>
    );
  }

  const summary = legend
    ? `${label}: ${lines.map((s) => describe(s.label, s.points)).join("; ")}.`
    : `${describe(label, lines[0]!.points)}.`;
  const activeStep = hover === null ? null : layout.steps[hover]!;
  const shown = lines.map((s) =>
    activeStep === null ? s.points[s.points.length - 1]! : valueAt(s.points, activeStep),
  );

  const onMove = (event: React.MouseEvent<SVGSVGElement>) => {
    const box = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * W;
    let best = 0;
    let bestDistance = Infinity;
    layout.steps.forEach((step, i) => {
      const d = Math.abs(layout.sx(step) - x);
      if (d < bestDistance) {
        bestDistance = d;
        best = i;
      }
    });
    setHover(best);
  };

  const single = shown[0];
  return (
    <figure className="chart" ref={setBox}>
      <figcaption className="chart-title">
        <span>{label}</span>
        <span className="chart-latest mono">
          {legend
            ? activeStep === null
              ? "latest"
              : `step ${activeStep}`
            : activeStep !== null && single
              ? `step ${single.step}: ${formatAxis(single.value)}`
              : single
                ? `latest ${formatAxis(single.value)}`
                : null}
        </span>
      </figcaption>
      {legend ? (
        <ul className="chart-legend">
          {lines.map((s, i) => (
            <li key={s.label}>
              <span className="chart-swatch" style={{ background: s.color }} aria-hidden="true" />
              <span className="mono">{s.label}</span>
              <span className="chart-legend-value mono">{shown[i] ? formatAxis(shown[i].value) : "—"}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={titleId}
        onMouseMove={onMove}
        onMouseLeave={() => setHover(null)}
      >
        <title id={titleId}>{summary}</title>
        {layout.yTicks.map((t, i) => (
          <g key={`y${t}`}>
            <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={layout.sy(t)} y2={layout.sy(t)} />
            <text className="chart-tick" x={PAD.left - 8} y={layout.sy(t)} textAnchor="end" dominantBaseline="middle">
              {layout.yLabels[i]}
            </text>
          </g>
        ))}
        {layout.xTicks.map((t, i) => (
          <text key={`x${t}`} className="chart-tick" x={layout.sx(t)} y={H - 8} textAnchor="middle">
            {layout.xLabels[i]}
          </text>
        ))}
        {lines.map((s, i) => (
          <g key={s.label}>
            <path d={layout.paths[i]} fill="none" stroke={s.color} strokeWidth={2} strokeLinejoin="round" strokeLinecap="round" />
            {markers || s.points.length === 1
              ? s.points.map((p) => (
                  <circle key={p.step} className="chart-marker" cx={layout.sx(p.step)} cy={layout.sy(p.value)} r={3.5} fill={s.color} />
                ))
              : null}
          </g>
        ))}
        {activeStep !== null ? (
          <g>
            <line className="chart-cursor" x1={layout.sx(activeStep)} x2={layout.sx(activeStep)} y1={PAD.top} y2={H - PAD.bottom} />
            {lines.map((s, i) =>
              shown[i] ? (
                <circle
                  key={s.label}
                  cx={layout.sx(shown[i].step)}
                  cy={layout.sy(shown[i].value)}
                  r={4}
                  fill={s.color}
                  stroke="var(--surface)"
                  strokeWidth={2}
                />
              ) : null,
            )}
          </g>
        ) : null}
      </svg>
    </figure>
  );
}
