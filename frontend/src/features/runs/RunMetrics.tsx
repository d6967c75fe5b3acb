import type { ReactNode } from "react";
import { LineChart, type Point } from "../../components/LineChart";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { formatMetric } from "../../lib/format";
import { useScorerRanges } from "../scores/queries";
import { layoutMetrics, METRIC_TITLES } from "./metrics";
import { seriesByName, useRunMetrics } from "./queries";

const COLORS = ["#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#7c3aed"];

function ChartCard({ hint, children }: { hint?: string; children: ReactNode }) {
  return (
    <div className="card chart-card">
      {children}
      {hint ? <p className="chart-hint">{hint}</p> : null}
    </div>
  );
}

function LatestValues({ names, series }: { names: string[]; series: Map<string, Point[]> }) {
  return (
    <div className="stats-row">
      {names.map((name) => {
        const points = series.get(name)!;
        const last = points[points.length - 1]!;
        return (
          <div key={name} className="stat">
            <div className="stat-label mono">{name}</div>
            <div className="stat-value">{formatMetric(last.value)}</div>
            <div className="stat-hint">step {last.step}</div>
          </div>
        );
      })}
    </div>
  );
}

/**
 * A run's curves: latest values, then (GRPO) the rewards per scorer on one chart, every other
 * training metric on its own, and the held-out evaluation apart under its own heading.
 */
export function RunMetrics({ runId, live }: { runId: string; live: boolean }) {
  const metrics = useRunMetrics(runId, live);
  const ranges = useScorerRanges();
  if (metrics.isPending) return <LoadingState label="Loading metrics" rows={4} />;
  if (metrics.isError) return <ErrorState error={metrics.error} title="Could not load metrics" onRetry={() => void metrics.refetch()} />;
  const series = seriesByName(metrics.data.items);
  if (!series.size) {
    return (
      <EmptyState title={live ? "Waiting for the first metrics…" : "This run recorded no metrics"}>
        {live ? "Curves appear as soon as the trainer reports its first steps." : null}
      </EmptyState>
    );
  }
  const layout = layoutMetrics([...series.keys()]);
  const training = [...layout.rewards, ...layout.others];
  const held = [...layout.evalScores, ...(layout.evalLoss ? [layout.evalLoss] : [])];
  const lines = (names: string[]) => names.map((name) => ({ label: name, points: series.get(name)! }));
  const charts = layout.others.length + (layout.rewards.length ? 1 : 0);
  return (
    <>
      <details className="section-details metric-section" id="training" open>
        <summary>
          <h2 className="section-title">
            Training curves · {charts} {charts === 1 ? "chart" : "charts"}
          </h2>
        </summary>
        <LatestValues names={training} series={series} />
        <div className="charts" aria-live="off">
          {layout.rewards.length ? (
            <ChartCard hint="Mean reward of the step's completions: the weighted total and each reward scorer (unweighted).">
              <LineChart label="rewards" series={lines(layout.rewards)} />
            </ChartCard>
          ) : null}
          {layout.others.map((name, i) => (
            <ChartCard key={name} hint={METRIC_TITLES[name]}>
              <LineChart label={name} points={series.get(name)!} color={COLORS[i % COLORS.length]} />
            </ChartCard>
          ))}
        </div>
      </details>
      {held.length ? (
        <section className="metric-section" id="held-out" aria-labelledby="held-out-title">
          <h2 className="section-title" id="held-out-title">
            Held-out evaluation
          </h2>
          <p className="muted small">
            Scored on prompts the run does not train on, every few steps (a dot per evaluation): whether training
            generalises. Each scorer on its own axis, its whole range.
          </p>
          <div className="charts">
            {layout.evalScores.map((name, i) => {
              const range = ranges.get(name.slice("eval/".length));
              return (
                <ChartCard
                  key={name}
                  hint={`Mean ${name.slice("eval/".length)} on the held-out prompts${range ? ` (${formatMetric(range.min)} to ${formatMetric(range.max)}; higher is better)` : ""}.`}
                >
                  <LineChart
                    label={name}
                    points={series.get(name)!}
                    color={COLORS[i % COLORS.length]}
                    domain={range ? [range.min, range.max] : undefined}
                    markers
                  />
                </ChartCard>
              );
            })}
            {layout.evalLoss ? (
              <ChartCard hint={METRIC_TITLES["eval/loss"]}>
                <LineChart label="eval/loss" points={series.get("eval/loss")!} color={COLORS[3]} markers />
              </ChartCard>
            ) : null}
          </div>
        </section>
      ) : null}
    </>
  );
}
