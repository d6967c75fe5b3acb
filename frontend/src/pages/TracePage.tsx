import { useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { Badge, Card, CopyButton, TagList, Time } from "../components/bits";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, InlineError, LoadingState } from "../components/states";
import { useToast } from "../components/Toasts";
import { RunName } from "../features/runs/RunName";
import { HumanScoreForm, RunScorerForm, ScoreTable } from "../features/scores/ScorePanel";
import { useDeleteTrace, useTrace } from "../features/traces/queries";
import { AnswerPair, MetadataGrid, StepList } from "../features/traces/TraceContent";
import { ApiError } from "../lib/api";
import { shortId } from "../lib/format";
import { latestByName } from "../lib/scores";

/** Where a trace came from, when a run made it: a GRPO rollout (its step) or an evaluation. */
export function traceOrigin(trace: { source: string; run_id?: string | null; metadata: Record<string, unknown> }):
  | { kind: "rollout"; runId: string; step: number | null }
  | { kind: "evaluation"; runId: string | null; evaluationId: string }
  | null {
  const step = trace.metadata["step"];
  if (trace.source === "rollout" && trace.run_id) {
    return { kind: "rollout", runId: trace.run_id, step: typeof step === "number" ? step : null };
  }
  const evaluation = trace.metadata["evaluation_id"];
  if (typeof evaluation === "string") return { kind: "evaluation", runId: trace.run_id ?? null, evaluationId: evaluation };
  return null;
}

export function TracePage() {
  const { id = "" } = useParams();
  const trace = useTrace(id);
  const remove = useDeleteTrace();
  const [confirming, setConfirming] = useState(false);
  const navigate = useNavigate();
  const notify = useToast();

  const back = (
    <Link to="/traces" className="crumb">
      <Icon name="back" size={12} /> Traces
    </Link>
  );

  if (trace.isPending) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={`Trace ${shortId(id)}`} />
        <LoadingState label="Loading trace" />
      </div>
    );
  }
  if (trace.isError) {
    const missing = trace.error instanceof ApiError && [404, 422].includes(trace.error.status);
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={`Trace ${shortId(id)}`} />
        {missing ? (
          <EmptyState
            title="Trace not found"
            action={
              <Link className="btn" to="/traces">
                Back to traces
              </Link>
            }
          >
            No trace has the id <code>{id}</code>. It may have been deleted.
          </EmptyState>
        ) : (
          <ErrorState error={trace.error} title="Could not load the trace" onRetry={() => void trace.refetch()} />
        )}
      </div>
    );
  }

  const data = trace.data;
  const match = latestByName(data.scores).get("answer_match")?.value ?? null;
  const origin = traceOrigin(data);
  const originBack =
    origin?.kind === "rollout" ? (
      <Link to={`/runs/${origin.runId}${origin.step !== null ? `?step=${origin.step}` : ""}#rollouts`} className="crumb">
        <Icon name="back" size={12} /> <RunName id={origin.runId} />
        {origin.step !== null ? ` · rollouts of step ${origin.step}` : " · rollouts"}
      </Link>
    ) : origin?.kind === "evaluation" ? (
      <Link to={`/evaluations/${origin.evaluationId}`} className="crumb">
        <Icon name="back" size={12} /> Evaluation {shortId(origin.evaluationId)}
      </Link>
    ) : (
      back
    );

  return (
    <div className="page">
      <PageHeader
        eyebrow={originBack}
        title={
          <>
            Trace <span className="mono">{shortId(data.id)}</span>
          </>
        }
        subtitle={
          <span className="meta-line">
            <Badge tone="accent">{data.source}</Badge>
            <Time iso={data.created_at} />
            <span>
              {data.step_count} {data.step_count === 1 ? "step" : "steps"}
            </span>
            <span>v{data.trace_version}</span>
            <TagList tags={data.tags} />
          </span>
        }
        actions={
          <>
            <Link className="btn" to={`/compare?base=${data.id}`}>
              <Icon name="compare" /> Compare with…
            </Link>
            <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirming(true)}>
              <Icon name="trash" /> Delete
            </button>
          </>
        }
      />

      <div className="detail-grid">
        <div className="detail-main">
          <Card title="Prompt" id="prompt">
            <pre className="prose-block">{data.prompt}</pre>
          </Card>
          <Card title={`Reasoning · ${data.step_count} ${data.step_count === 1 ? "step" : "steps"}`} id="reasoning">
            <StepList steps={data.steps} />
          </Card>
          <Card title="Answer" id="answer">
            <AnswerPair
              finalAnswer={data.final_answer}
              referenceAnswer={data.reference_answer}
              match={match}
            />
          </Card>
        </div>
        <div className="detail-side">
          <Card title="Scores" id="scores">
            <ScoreTable scores={data.scores} />
            <div className="form-stack">
              <RunScorerForm traceId={data.id} />
              <HumanScoreForm traceId={data.id} />
            </div>
          </Card>
          <Card title="Details" id="details">
            <dl className="kv">
              <div className="kv-row">
                <dt>ID</dt>
                <dd className="mono">
                  {data.id} <CopyButton text={data.id} label="Copy trace id" />
                </dd>
              </div>
              <div className="kv-row">
                <dt>Content hash</dt>
                <dd className="mono truncate" title={data.content_hash}>
                  {data.content_hash}
                </dd>
              </div>
              {data.run_id ? (
                <div className="kv-row">
                  <dt>Run</dt>
                  <dd>
                    <Link to={`/runs/${data.run_id}`}>
                      <RunName id={data.run_id} />
                    </Link>
                  </dd>
                </div>
              ) : null}
            </dl>
            <h3 className="subheading">Metadata</h3>
            <MetadataGrid metadata={data.metadata} />
          </Card>
        </div>
      </div>

      <ConfirmDialog
        open={confirming}
        title="Delete this trace?"
        confirmLabel="Delete trace"
        danger
        busy={remove.isPending}
        onCancel={() => setConfirming(false)}
        onConfirm={() =>
          remove.mutate(data.id, {
            onSuccess: () => {
              notify(`Deleted trace ${shortId(data.id)}`);
              navigate("/traces");
            },
          })
        }
      >
        <p>
          Trace <code>{shortId(data.id)}</code> and its {data.scores.length}{" "}
          {data.scores.length === 1 ? "score" : "scores"} will be removed. This cannot be undone.
        </p>
        {remove.isError ? <InlineError error={remove.error} /> : null}
      </ConfirmDialog>
    </div>
  );
}
