import { useId } from "react";
import { Link, useNavigate, useSearchParams } from "react-router";
import { Time } from "../components/bits";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { duration, useRuns, type RunStatus } from "../features/runs/queries";
import { RunKindBadge, RunStatusBadge } from "../features/runs/RunStatus";
import { formatDelta, formatMetric, shortId } from "../lib/format";
import type { Run } from "../features/runs/queries";

/** What a run's row reports as its result: a GRPO run's final mean reward, an SFT run's final loss. */
export function runResult(run: Pick<Run, "kind" | "summary">): { label: string; value: number } | null {
  const pick = (key: string) => (typeof run.summary[key] === "number" ? (run.summary[key] as number) : null);
  if (run.kind === "grpo") {
    const reward = pick("final_reward");
    return reward === null ? null : { label: "reward", value: reward };
  }
  const loss = pick("final_loss") ?? pick("loss");
  return loss === null ? null : { label: "loss", value: loss };
}

/** The run's held-out answer_match (else its first held-out scorer): before → after, if measured. */
export function heldOutResult(run: Pick<Run, "summary">): { name: string; before: number | null; after: number } | null {
  const after = run.summary["held_out"] as Record<string, unknown> | undefined;
  if (!after || typeof after !== "object") return null;
  const names = Object.keys(after).filter((k) => k.startsWith("eval/") && k !== "eval/loss" && typeof after[k] === "number");
  const name = names.includes("eval/answer_match") ? "eval/answer_match" : names.sort()[0];
  if (!name) return null;
  const before = (run.summary["held_out_before"] as Record<string, unknown> | undefined)?.[name];
  return { name: name.slice("eval/".length), before: typeof before === "number" ? before : null, after: after[name] as number };
}

const STATUSES: RunStatus[] = ["queued", "running", "succeeded", "failed", "cancelled"];

export function RunsPage() {
  const [search, setSearch] = useSearchParams();
  const status = (STATUSES as string[]).includes(search.get("status") ?? "") ? (search.get("status") as RunStatus) : null;
  const runs = useRuns(status);
  const navigate = useNavigate();
  const id = useId();

  return (
    <div className="page">
      <PageHeader
        title="Runs"
        subtitle="Training runs report their config, metrics and artifacts here as they go."
        actions={
          <div className="field inline-field">
            <label htmlFor={`${id}-status`}>Status</label>
            <select
              id={`${id}-status`}
              value={status ?? ""}
              onChange={(e) => setSearch(e.target.value ? { status: e.target.value } : {})}
            >
              <option value="">All</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {s}
                </option>
              ))}
            </select>
          </div>
        }
      />
      <section className="card card-flush" aria-label="Runs">
        {runs.isPending ? (
          <LoadingState label="Loading runs" />
        ) : runs.isError ? (
          <ErrorState error={runs.error} title="Could not load runs" onRetry={() => void runs.refetch()} />
        ) : runs.data.items.length === 0 ? (
          <EmptyState title={status ? `No ${status} runs` : "No runs yet"}>
            Start one with <code>tunix-rt-train sft CONFIG</code> (or <code>grpo</code>); it registers
            itself here and streams its metrics as it trains.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table trace-table">
              <caption className="visually-hidden">Training runs, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Status</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Base model</th>
                  <th scope="col">Dataset</th>
                  <th scope="col" className="num">
                    Result
                  </th>
                  <th scope="col">Held-out</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Created</th>
                </tr>
              </thead>
              <tbody>
                {runs.data.items.map((run) => {
                  const result = runResult(run);
                  const held = heldOutResult(run);
                  return (
                    <tr
                      key={run.id}
                      onClick={(event) => {
                        if ((event.target as HTMLElement).closest("a,button")) return;
                        navigate(`/runs/${run.id}`);
                      }}
                    >
                      <td>
                        <Link className="row-link" to={`/runs/${run.id}`}>
                          {run.name ?? <span className="mono">{shortId(run.id)}</span>}
                        </Link>
                      </td>
                      <td>
                        <RunStatusBadge status={run.status} />
                      </td>
                      <td>
                        <RunKindBadge kind={run.kind} />
                      </td>
                      <td className="mono">{run.base_model}</td>
                      <td>
                        {run.dataset_key ? (
                          <Link className="mono" to={`/datasets/${encodeURIComponent(run.dataset_key)}`}>
                            {run.dataset_key}
                          </Link>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="num">
                        {result ? (
                          <span title={run.kind === "grpo" ? "Mean reward at the last step" : "Training loss at the last step"}>
                            <span className="muted small">{result.label}</span> <span className="mono">{formatMetric(result.value)}</span>
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        {held ? (
                          <span className="mono" title={`Held-out ${held.name}, first evaluation → last`}>
                            <span className="muted small">{held.name}</span>{" "}
                            {held.before !== null ? `${formatMetric(held.before)} → ` : ""}
                            {formatMetric(held.after)}
                            {held.before !== null ? ` (${formatDelta(Number((held.after - held.before).toPrecision(6)))})` : ""}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td className="mono">{duration(run.started_at, run.finished_at)}</td>
                      <td className="col-time">
                        <Time iso={run.created_at} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
