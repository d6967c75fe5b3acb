import { useEffect, useId, useState } from "react";
import { useLocation, useSearchParams } from "react-router";
import { Card } from "../../components/bits";
import { EmptyState, ErrorState, LoadingState } from "../../components/states";
import { formatCount, formatMetric } from "../../lib/format";
import { describeWeights, weightedRange } from "../../lib/scores";
import { useScorerRanges } from "../scores/queries";
import { useRolloutStep, useRolloutSteps, type RolloutStepSummary } from "./queries";
import { RewardValue, RolloutGroupView, ScoreChips } from "./RolloutGroup";

/** Groups drawn at first; a step may hold many more. */
const GROUPS_SHOWN = 8;

function stepOption(s: RolloutStepSummary): string {
  return `step ${s.step} · ${s.reward_mean === null ? "no completions left" : `mean reward ${formatMetric(s.reward_mean)}`}`;
}

function StepDetail({ runId, step, summary }: { runId: string; step: number; summary: RolloutStepSummary }) {
  const detail = useRolloutStep(runId, step);
  const ranges = useScorerRanges();
  const [shown, setShown] = useState(GROUPS_SHOWN);
  if (detail.isPending) return <LoadingState label={`Loading step ${step}`} rows={3} />;
  if (detail.isError) {
    return <ErrorState error={detail.error} title={`Could not load step ${step}`} onRetry={() => void detail.refetch()} />;
  }
  const { groups, scorers, weights } = detail.data;
  const rewardRange = weightedRange(weights, ranges);
  return (
    <>
      {Object.keys(weights).length ? (
        <p className="reward-formula small">
          <span className="muted">Reward</span> = <span className="mono">{describeWeights(weights)}</span>
          {rewardRange ? (
            <span className="muted">
              {" "}
              (from {formatMetric(rewardRange.min)} to {formatMetric(rewardRange.max)})
            </span>
          ) : null}
        </p>
      ) : null}
      <div className="rollout-step-facts">
        <span>
          <strong>{formatCount(summary.groups)}</strong> groups
        </span>
        <span>
          <strong>{formatCount(summary.completions)}</strong> completions
        </span>
        <span>
          mean reward <RewardValue value={summary.reward_mean} range={rewardRange} />
        </span>
        <ScoreChips scores={summary.scores} order={scorers} />
      </div>
      {groups.length === 0 ? (
        <p className="muted">The traces of this step have been deleted.</p>
      ) : (
        groups
          .slice(0, shown)
          .map((g) => <RolloutGroupView key={g.group} group={g} scorers={scorers} rewardRange={rewardRange} />)
      )}
      {groups.length > shown ? (
        <button type="button" className="btn" onClick={() => setShown((n) => n + GROUPS_SHOWN)}>
          Show {Math.min(GROUPS_SHOWN, groups.length - shown)} more groups ({groups.length - shown} left)
        </button>
      ) : null}
    </>
  );
}

/**
 * A GRPO run's sampled completions, one step at a time: choose a step (the newest by default),
 * then read each prompt group's completions side by side with their scores, reward and
 * advantage. The chosen step is kept in the URL (`?step=`).
 */
export function RolloutBrowser({ runId, live }: { runId: string; live: boolean }) {
  const steps = useRolloutSteps(runId, live);
  const [search, setSearch] = useSearchParams();
  const id = useId();
  const { hash } = useLocation();
  const loaded = steps.isSuccess;
  // Arriving from a rollout's trace (…?step=N#rollouts): bring the browser into view once drawn.
  useEffect(() => {
    if (loaded && hash === "#rollouts") document.getElementById("rollouts")?.scrollIntoView?.({ block: "start" });
  }, [loaded, hash]);
  const body = (() => {
    if (steps.isPending) return <LoadingState label="Loading rollouts" rows={3} />;
    if (steps.isError) {
      return <ErrorState error={steps.error} title="Could not load rollouts" onRetry={() => void steps.refetch()} />;
    }
    const list = steps.data.steps;
    if (!list.length) {
      return (
        <EmptyState title={live ? "No rollouts yet" : "This run recorded no rollouts"}>
          The GRPO trainer sends the completions it samples every few steps; they appear here.
        </EmptyState>
      );
    }
    const newestFirst = [...list].reverse();
    const askedText = search.get("step");
    const asked = askedText !== null && /^\d+$/.test(askedText) ? Number(askedText) : null;
    // A step without rollouts (they are kept every few steps) shows the nearest one that has
    // them, and says so; without ?step= the newest.
    const nearest =
      asked === null
        ? newestFirst[0]!
        : list.reduce((best, s) => (Math.abs(s.step - asked) < Math.abs(best.step - asked) ? s : best));
    const current = nearest;
    const missing = askedText !== null && (asked === null || current.step !== asked);
    const position = newestFirst.indexOf(current);
    const choose = (step: number) =>
      setSearch(
        (params) => {
          params.set("step", String(step));
          return params;
        },
        { replace: true },
      );
    return (
      <>
        <div className="rollout-picker">
          <div className="field inline-field">
            <label htmlFor={`${id}-step`}>Step</label>
            <select id={`${id}-step`} value={current.step} onChange={(e) => choose(Number(e.target.value))}>
              {newestFirst.map((s) => (
                <option key={s.step} value={s.step}>
                  {stepOption(s)}
                </option>
              ))}
            </select>
          </div>
          <div className="rollout-picker-nav">
            <button
              type="button"
              className="btn btn-sm"
              disabled={position >= newestFirst.length - 1}
              onClick={() => choose(newestFirst[position + 1]!.step)}
            >
              Older
            </button>
            <button type="button" className="btn btn-sm" disabled={position <= 0} onClick={() => choose(newestFirst[position - 1]!.step)}>
              Newer
            </button>
          </div>
        </div>
        {missing ? (
          <p className="notice" role="status">
            {asked === null
              ? `“${askedText}” is not a step number; showing step ${current.step}.`
              : `No rollouts were kept at step ${asked}; showing step ${current.step}, the nearest step that has them.`}
          </p>
        ) : null}
        <StepDetail key={current.step} runId={runId} step={current.step} summary={current} />
      </>
    );
  })();
  return (
    <Card title="Rollouts" id="rollouts" className="rollouts">
      {body}
    </Card>
  );
}
