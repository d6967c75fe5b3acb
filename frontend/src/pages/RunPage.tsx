import { Link, useParams } from "react-router";
import { Card, CopyButton, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { ACTIVE, duration, useRun, useRunMetrics } from "../features/runs/queries";
import { RolloutBrowser } from "../features/runs/RolloutBrowser";
import { RunMetrics } from "../features/runs/RunMetrics";
import { RunOutcome } from "../features/runs/RunOutcome";
import { RunKindBadge, RunStatusBadge } from "../features/runs/RunStatus";
import { ApiError } from "../lib/api";
import { formatScore, shortId } from "../lib/format";
import { RunName } from "../features/runs/RunName";

/** Config sections only `tunix-rt-train grpo` reads: an SFT run's page leaves them out. */
const GRPO_ONLY = ["grpo", "rollout", "rewards"];

/** The resolved config as it applies to the run's kind, and what was left out. */
export function configForKind(kind: string, config: Record<string, unknown>): { shown: Record<string, unknown>; hidden: string[] } {
  if (kind === "grpo") return { shown: config, hidden: [] };
  const hidden = GRPO_ONLY.filter((k) => k in config);
  return { shown: Object.fromEntries(Object.entries(config).filter(([k]) => !hidden.includes(k))), hidden };
}

function Json({ value }: { value: unknown }) {
  return <pre className="mono-block json-block">{JSON.stringify(value, null, 2)}</pre>;
}

function KeyValues({ values }: { values: Record<string, unknown> }) {
  const entries = Object.entries(values);
  if (!entries.length) return <p className="muted">None yet.</p>;
  return (
    <dl className="kv">
      {entries.map(([k, v]) => (
        <div key={k} className="kv-row">
          <dt>{k}</dt>
          <dd className="mono">{typeof v === "number" ? formatScore(v) : typeof v === "string" ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
    </dl>
  );
}

function RunConfig({ kind, config }: { kind: string; config: Record<string, unknown> }) {
  const { shown, hidden } = configForKind(kind, config);
  return (
    <>
      {hidden.length ? (
        <p className="muted small">
          Left out: {hidden.map((k, i) => [i ? ", " : null, <code key={k}>{k}</code>])} (read by GRPO runs only; an SFT
          run ignores them).
        </p>
      ) : null}
      <Json value={shown} />
    </>
  );
}

/** "On this page": a long run page's sections, those it has. */
function PageJumps({ runId, grpo, live }: { runId: string; grpo: boolean; live: boolean }) {
  const metrics = useRunMetrics(runId, live);
  const names = metrics.data?.names ?? [];
  const held = names.some((n) => n.startsWith("eval/"));
  const trained = names.some((n) => !n.startsWith("eval/"));
  return (
    <nav className="page-jumps" aria-label="On this page">
      <a href="#outcome">Did it work?</a>
      {trained ? <a href="#training">Training curves</a> : null}
      {held ? <a href="#held-out">Held-out</a> : null}
      {grpo ? <a href="#rollouts">Rollouts</a> : null}
      <a href="#config">Config</a>
    </nav>
  );
}

/** "started from <parent run>": the run whose checkpoint this one trained on. */
function ParentRun({ id }: { id: string }) {
  return (
    <span className="parent-run">
      started from{" "}
      <Link to={`/runs/${id}`}>
        <RunName id={id} />
      </Link>
    </span>
  );
}

export function RunPage() {
  const { id = "" } = useParams();
  const run = useRun(id);
  const back = (
    <Link to="/runs" className="crumb">
      <Icon name="back" size={12} /> Runs
    </Link>
  );
  if (run.isPending) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={`Run ${shortId(id)}`} />
        <LoadingState label="Loading run" />
      </div>
    );
  }
  if (run.isError) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={`Run ${shortId(id)}`} />
        {run.error instanceof ApiError && [404, 422].includes(run.error.status) ? (
          <EmptyState title="Run not found" action={<Link className="btn" to="/runs">All runs</Link>}>
            No run has the id <code>{id}</code>.
          </EmptyState>
        ) : (
          <ErrorState error={run.error} onRetry={() => void run.refetch()} />
        )}
      </div>
    );
  }
  const r = run.data;
  const live = ACTIVE.has(r.status);
  return (
    <div className="page">
      <PageHeader
        eyebrow={back}
        title={r.name ?? <span className="mono">Run {shortId(r.id)}</span>}
        subtitle={
          <span className="meta-line">
            <RunStatusBadge status={r.status} />
            <RunKindBadge kind={r.kind} />
            {r.parent_run_id ? <ParentRun id={r.parent_run_id} /> : null}
            <span className="mono">{r.base_model}</span>
            <span>started {r.started_at ? <Time iso={r.started_at} /> : "—"}</span>
            <span>took {duration(r.started_at, r.finished_at)}</span>
            {live ? <span className="live-note">updating every few seconds</span> : null}
          </span>
        }
        actions={
          r.dataset_key ? (
            <Link className="btn" to={`/datasets/${encodeURIComponent(r.dataset_key)}`}>
              <Icon name="datasets" /> {r.dataset_key}
            </Link>
          ) : undefined
        }
      />
      {r.error ? (
        <div className="state state-error callout" role="alert">
          <div className="state-title">The run failed</div>
          <pre className="mono-block">{r.error}</pre>
        </div>
      ) : null}
      <PageJumps runId={r.id} grpo={r.kind === "grpo"} live={live} />
      <RunOutcome run={r} live={live} />
      <RunMetrics runId={r.id} live={live} />
      {r.kind === "grpo" ? <RolloutBrowser runId={r.id} live={live} /> : null}
      <div className="detail-grid">
        <div className="detail-main">
          <Card title="Config (resolved)" id="config">
            {Object.keys(r.config).length ? (
              <RunConfig kind={r.kind} config={r.config} />
            ) : (
              <p className="muted">No config recorded.</p>
            )}
          </Card>
        </div>
        <div className="detail-side">
          <Card title="Run" id="run-facts">
            <dl className="kv">
              <div className="kv-row">
                <dt>ID</dt>
                <dd className="mono">
                  {r.id} <CopyButton text={r.id} label="Copy run id" />
                </dd>
              </div>
              <div className="kv-row">
                <dt>Dataset</dt>
                <dd className="mono">{r.dataset_key ?? "—"}</dd>
              </div>
              <div className="kv-row">
                <dt>Dataset checksum</dt>
                <dd className="mono truncate" title={r.dataset_checksum ?? undefined}>
                  {r.dataset_checksum ?? "—"}
                </dd>
              </div>
              <div className="kv-row">
                <dt>Seed</dt>
                <dd className="mono">{r.seed ?? "—"}</dd>
              </div>
              <div className="kv-row">
                <dt>Git</dt>
                <dd className="mono">{r.git_sha ?? "—"}</dd>
              </div>
              <div className="kv-row">
                <dt>Last heartbeat</dt>
                <dd>{r.heartbeat_at ? <Time iso={r.heartbeat_at} /> : "—"}</dd>
              </div>
            </dl>
          </Card>
          <Card title="Summary" id="summary">
            <KeyValues values={r.summary} />
          </Card>
          <Card title="Artifacts" id="artifacts">
            <KeyValues values={r.artifacts} />
          </Card>
          <Card title="Outputs" id="evaluations">
            <ul className="link-list">
              <li>
                <Link to={`/evaluations?run=${r.id}`}>Evaluations of this run’s checkpoints</Link>
              </li>
              <li>
                <Link to={`/traces?run=${r.id}`}>Traces this run produced</Link>
              </li>
            </ul>
          </Card>
        </div>
      </div>
    </div>
  );
}
