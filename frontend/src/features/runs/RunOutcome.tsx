import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Point } from "../../components/LineChart";
import { formatDelta, formatMetric } from "../../lib/format";
import { weightedRange, type ScoreRange } from "../../lib/scores";
import { useEvaluations } from "../evaluations/queries";
import { useScorerRanges } from "../scores/queries";
import { ScoreValue } from "../scores/ScoreValue";
import { seriesByName, useRunMetrics, type Run } from "./queries";

/** A measure from its first point to its last: the change, and whether that is for the better. */
export interface Change {
  label: string;
  first: Point;
  last: Point;
  /** Higher is better (scores, rewards) or lower is (losses). */
  better: "higher" | "lower";
  range: ScoreRange | null;
  /** The scorer whose colour scale the values use, if any. */
  scorer?: string;
}

/** What a run's outcome is read from: the reward or loss, then each held-out measure. */
export function runChanges(
  run: Pick<Run, "kind" | "config">,
  series: Map<string, Point[]>,
  ranges: Map<string, ScoreRange>,
): Change[] {
  const changes: Change[] = [];
  const add = (name: string, label: string, better: Change["better"], range: ScoreRange | null, scorer?: string) => {
    const points = series.get(name);
    if (!points?.length) return;
    changes.push({ label, first: points[0]!, last: points[points.length - 1]!, better, range, scorer });
  };
  const weights = run.kind === "grpo" ? (run.config as { rewards?: Record<string, number> }).rewards : undefined;
  const rewardRange = weights ? weightedRange(weights, ranges) : null;
  if (run.kind === "grpo") {
    add("reward/total", "Mean reward (training)", "higher", rewardRange);
  } else {
    add("loss", "Training loss", "lower", null);
  }
  for (const name of [...series.keys()].filter((n) => n.startsWith("eval/") && n !== "eval/loss").sort()) {
    const scorer = name.slice("eval/".length);
    // eval/reward: the run's weighted reward on the held-out prompts, on the reward's range.
    const range = scorer === "reward" ? rewardRange : (ranges.get(scorer) ?? null);
    add(name, `Held-out ${scorer}`, "higher", range, scorer);
  }
  add("eval/loss", "Held-out loss", "lower", null);
  return changes;
}

function Delta({ change }: { change: Change }) {
  const delta = change.last.value - change.first.value;
  const good = change.better === "higher" ? delta > 0 : delta < 0;
  const tone = delta === 0 ? "flat" : good ? "better" : "worse";
  const word = delta === 0 ? "no change" : good ? "better" : "worse";
  return (
    <span className={`change change-${tone}`} title={`${formatDelta(delta)}: ${word} (${change.better} is better)`}>
      <span aria-hidden="true">{delta === 0 ? "" : delta > 0 ? "▲ " : "▼ "}</span>
      {formatDelta(Number(delta.toPrecision(6)))}
      <span className="visually-hidden"> ({word})</span>
    </span>
  );
}

function Value({ change, point }: { change: Change; point: Point }) {
  if (change.range) return <ScoreValue name={change.scorer ?? change.label} value={point.value} range={change.range} />;
  return <span className="mono">{formatMetric(point.value)}</span>;
}

function ChangeRow({ change }: { change: Change }) {
  const one = change.first.step === change.last.step;
  return (
    <div className="outcome-row">
      <dt>{change.label}</dt>
      <dd>
        {one ? (
          <>
            <Value change={change} point={change.last} />{" "}
            <span className="muted small">at step {change.last.step} (one measurement so far)</span>
          </>
        ) : (
          <>
            <Value change={change} point={change.first} /> <span className="muted">→</span>{" "}
            <Value change={change} point={change.last} /> <Delta change={change} />{" "}
            <span className="muted small">
              step {change.first.step} → {change.last.step}
              {change.range ? ` · of ${formatMetric(change.range.max)}` : ""}
            </span>
          </>
        )}
      </dd>
    </div>
  );
}

/**
 * "Did it work?", above everything else on a run's page: the training signal (GRPO: the mean
 * reward; SFT: the loss) and every held-out measure from the first evaluation to the last, each
 * with its change, and what the run trained on, started from and was evaluated by.
 */
export function RunOutcome({ run, live }: { run: Run; live: boolean }) {
  const metrics = useRunMetrics(run.id, live);
  const ranges = useScorerRanges();
  const changes = metrics.data ? runChanges(run, seriesByName(metrics.data.items), ranges) : [];
  // The parent run and the dataset are in the page's header, just above.
  const links: ReactNode[] = [
    <span key="evaluations">
      <Link to={`/evaluations?run=${run.id}`}>evaluations of its checkpoints</Link>
    </span>,
  ];
  const evaluations = useEvaluations(run.id);
  const held = changes.filter((c) => c.label.startsWith("Held-out"));
  return (
    <section className="card outcome" id="outcome" aria-labelledby="outcome-title">
      <h2 className="card-title" id="outcome-title">
        Did it work?
      </h2>
      {metrics.isPending ? (
        <p className="muted">Loading the run’s measurements…</p>
      ) : changes.length === 0 ? (
        <p className="muted">{live ? "No measurements yet: they appear as the trainer reports them." : "This run recorded no measurements."}</p>
      ) : (
        <dl className="outcome-list">
          {changes.map((c) => (
            <ChangeRow key={c.label} change={c} />
          ))}
        </dl>
      )}
      {!metrics.isPending && changes.length > 0 && held.length === 0 ? (
        <p className="muted small">
          No held-out evaluation during training (set <code>eval.every_steps</code> and held-out records): only the
          training signal is shown, which says nothing about problems the model has not seen.
        </p>
      ) : null}
      {evaluations.data?.items.length ? (
        <div className="outcome-evaluations">
          <h3 className="subheading">Evaluations of its checkpoints</h3>
          <ul className="link-list">
            {evaluations.data.items.slice(0, 5).map((e) => {
              const key = e.summary["answer_match"] ? "answer_match" : Object.keys(e.summary)[0];
              const s = key ? e.summary[key] : undefined;
              return (
                <li key={e.id}>
                  <Link to={`/evaluations/${e.id}`}>{e.name}</Link>{" "}
                  <span className="muted small">
                    {e.item_count} items{e.split ? ` · ${e.split}` : ""}
                  </span>{" "}
                  {key && s ? (
                    <span className="small">
                      <span className="mono">{key}</span> <ScoreValue name={key} value={s.mean} />
                      {s.ci_low !== null && s.ci_high !== null ? (
                        <span className="muted mono">
                          {" "}
                          [{formatMetric(s.ci_low)}, {formatMetric(s.ci_high)}]
                        </span>
                      ) : null}
                    </span>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </div>
      ) : null}
      <p className="outcome-links small">{links.map((l, i) => [i ? " · " : null, l])}</p>
    </section>
  );
}
