import { Link, useParams } from "react-router";
import { Card, CopyButton, Time } from "../components/bits";
import { Icon } from "../components/Icon";
import { LineChart } from "../components/LineChart";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, LoadingState } from "../components/states";
import { ACTIVE, duration, orderMetricNames, seriesByName, useRun, useRunMetrics } from "../features/runs/queries";
import { RunStatusBadge } from "../features/runs/RunStatus";
import { ApiError } from "../lib/api";
import { formatMetric, formatScore, shortId } from "../lib/format";

const COLORS = ["#4f46e5", "#0891b2", "#16a34a", "#d97706", "#db2777", "#7c3aed"];

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

function Metrics({ runId, live }: { runId: string; live: boolean }) {
  const metrics = useRunMetrics(runId, live);
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
  const names = orderMetricNames([...series.keys()]);
  return (
    <>
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
      <div className="charts" aria-live="off">
        {names.map((name, i) => (
          <div key={name} className="card chart-card">
            <LineChart label={name} points={series.get(name)!} color={COLORS[i % COLORS.length]} />
          </div>
        ))}
      </div>
    </>
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
            <span className="mono">{r.kind}</span>
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
      <Metrics runId={r.id} live={live} />
      <div className="detail-grid">
        <div className="detail-main">
          <Card title="Config (resolved)" id="config">
            {Object.keys(r.config).length ? <Json value={r.config} /> : <p className="muted">No config recorded.</p>}
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
