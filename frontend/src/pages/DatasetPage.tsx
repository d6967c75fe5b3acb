import { useId, useState } from "react";
import { Link, useParams } from "react-router";
import { Badge, Card, CopyButton, Time } from "../components/bits";
import { DownloadLink } from "../components/DownloadLink";
import { Icon } from "../components/Icon";
import { PageHeader } from "../components/PageHeader";
import { EmptyState, ErrorState, InlineError, LoadingState } from "../components/states";
import {
  EXPORT_FORMATS,
  exportUrl,
  useDataset,
  useExportSample,
  type ExportFormat,
  type ExportSplit,
  type ResponseStyle,
} from "../features/datasets/queries";
import { ApiError, type Schemas } from "../lib/api";
import { formatCount } from "../lib/format";

function Stat({ label, value, hint }: { label: string; value: React.ReactNode; hint?: React.ReactNode }) {
  return (
    <div className="stat">
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint ? <div className="stat-hint">{hint}</div> : null}
    </div>
  );
}

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) return <span className="muted">—</span>;
    return (
      <span className="meta-line">
        {entries.map(([k, v]) => (
          <span key={k} className="kv-inline">
            <span className="muted">{k}</span> <span className="mono">{typeof v === "object" ? JSON.stringify(v) : String(v)}</span>
          </span>
        ))}
      </span>
    );
  }
  return <span className="mono">{String(value)}</span>;
}

function ExportPanel({ dataset }: { dataset: Schemas["DatasetRead"] }) {
  const id = useId();
  const [format, setFormat] = useState<ExportFormat>("tunix_sft");
  const [split, setSplit] = useState<ExportSplit>("");
  const [style, setStyle] = useState<ResponseStyle>("tags");
  const sample = useExportSample(dataset.dataset_key, format, split, style);
  const splits = Object.keys(dataset.split_counts);
  const hint = EXPORT_FORMATS.find((f) => f.value === format)?.hint;

  return (
    <Card title="Export" id="export">
      <div className="inline-form">
        <div className="field">
          <label htmlFor={`${id}-format`}>Format</label>
          <select id={`${id}-format`} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
            {EXPORT_FORMATS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-split`}>Split</label>
          <select id={`${id}-split`} value={split} onChange={(e) => setSplit(e.target.value as ExportSplit)}>
            <option value="">all ({formatCount(dataset.trace_count)})</option>
            {(["train", "eval"] as const)
              .filter((s) => splits.includes(s))
              .map((s) => (
                <option key={s} value={s}>
                  {s} ({formatCount(dataset.split_counts[s] ?? 0)})
                </option>
              ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-style`}>Response style</label>
          <select
            id={`${id}-style`}
            value={style}
            onChange={(e) => setStyle(e.target.value as ResponseStyle)}
            disabled={format === "trace"}
          >
            <option value="tags">tags: &lt;reasoning&gt;…&lt;answer&gt;</option>
            <option value="numbered">numbered: 1. … Answer:</option>
          </select>
        </div>
        <DownloadLink className="btn btn-primary" href={exportUrl(dataset.dataset_key, format, split, style)}>
          Download JSONL
        </DownloadLink>
      </div>
      {hint ? <p className="field-hint export-hint">{hint}</p> : null}
      <div className="export-links" aria-label="Every export">
        {EXPORT_FORMATS.map((f) => (
          <span key={f.value} className="export-link-group">
            <span className="mono strong">{f.label}</span>
            <DownloadLink href={exportUrl(dataset.dataset_key, f.value, "", "tags")}>all</DownloadLink>
            {splits.includes("train") ? <DownloadLink href={exportUrl(dataset.dataset_key, f.value, "train", "tags")}>train</DownloadLink> : null}
            {splits.includes("eval") ? <DownloadLink href={exportUrl(dataset.dataset_key, f.value, "eval", "tags")}>eval</DownloadLink> : null}
          </span>
        ))}
      </div>
      <h3 className="subheading">Sample record (first line)</h3>
      {sample.isPending ? (
        <div className="skeleton" style={{ height: 120 }} />
      ) : sample.isError ? (
        <InlineError error={sample.error} />
      ) : sample.data === null ? (
        <p className="muted">This export is empty.</p>
      ) : (
        <SampleRecord record={sample.data} />
      )}
    </Card>
  );
}

/** One export record: long text fields shown as they will be read, the rest as JSON. */
function SampleRecord({ record }: { record: Record<string, unknown> }) {
  return (
    <div className="sample" aria-label="Sample record">
      {Object.entries(record).map(([key, value]) => (
        <div key={key} className="sample-field">
          <div className="sample-key mono">{key}</div>
          <pre className="mono-block sample-value">
            {typeof value === "string" ? value : JSON.stringify(value, null, 2)}
          </pre>
        </div>
      ))}
    </div>
  );
}

export function DatasetPage() {
  const { key = "" } = useParams();
  const dataset = useDataset(key);
  const back = (
    <Link to="/datasets" className="crumb">
      <Icon name="back" size={12} /> Datasets
    </Link>
  );
  if (dataset.isPending) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={key} />
        <LoadingState label="Loading dataset" />
      </div>
    );
  }
  if (dataset.isError) {
    return (
      <div className="page">
        <PageHeader eyebrow={back} title={key} />
        {dataset.error instanceof ApiError && dataset.error.status === 404 ? (
          <EmptyState title="Dataset not found" action={<Link className="btn" to="/datasets">All datasets</Link>}>
            No dataset has the key <code>{key}</code>.
          </EmptyState>
        ) : (
          <ErrorState error={dataset.error} onRetry={() => void dataset.refetch()} />
        )}
      </div>
    );
  }
  const d = dataset.data;
  const stats = d.stats as Record<string, unknown>;
  const { trace_count: _count, split_counts: _splits, ...otherStats } = stats;

  return (
    <div className="page">
      <PageHeader
        eyebrow={back}
        title={<span className="mono">{d.dataset_key}</span>}
        subtitle={
          <span className="meta-line">
            <Time iso={d.created_at} />
            <span>schema v{d.dataset_schema_version}</span>
            {d.description ? <span>{d.description}</span> : null}
          </span>
        }
        actions={
          <DownloadLink className="btn" href={`/api/datasets/${encodeURIComponent(d.dataset_key)}/manifest.json`} filename={`${d.dataset_key}.manifest.json`} newTab>
            Manifest <Icon name="external" size={12} />
          </DownloadLink>
        }
      />
      <div className="stats-row">
        <Stat label="Traces" value={formatCount(d.trace_count)} />
        {Object.entries(d.split_counts).map(([split, n]) => (
          <Stat key={split} label={`${split} split`} value={formatCount(n)} hint={`${Math.round((100 * n) / Math.max(1, d.trace_count))}%`} />
        ))}
        <Stat label="Strategy" value={<span className="mono">{d.selection_strategy}</span>} hint={d.seed !== null ? `seed ${d.seed}` : "no seed"} />
        <Stat label="Limit" value={formatCount(d.limit)} hint={d.dedup ? "deduplicated" : "duplicates kept"} />
      </div>
      <div className="detail-grid">
        <div className="detail-main">
          <ExportPanel dataset={d} />
        </div>
        <div className="detail-side">
          <Card title="Manifest" id="manifest">
            <dl className="kv">
              <div className="kv-row">
                <dt>Checksum</dt>
                <dd className="mono truncate" title={d.checksum}>
                  {d.checksum} <CopyButton text={d.checksum} label="Copy checksum" />
                </dd>
              </div>
              <div className="kv-row">
                <dt>Build</dt>
                <dd className="mono">{d.build_id}</dd>
              </div>
              <div className="kv-row">
                <dt>Filters</dt>
                <dd>
                  <Value value={Object.fromEntries(Object.entries(d.filters).filter(([, v]) => v !== null && !(Array.isArray(v) && !v.length) && !(typeof v === "object" && v !== null && !Array.isArray(v) && !Object.keys(v).length)))} />
                </dd>
              </div>
              <div className="kv-row">
                <dt>Split</dt>
                <dd>
                  <Value value={d.split} />
                </dd>
              </div>
              {d.training_run_id ? (
                <div className="kv-row">
                  <dt>Training run</dt>
                  <dd>
                    <Link className="mono" to={`/runs/${d.training_run_id}`}>
                      {d.training_run_id}
                    </Link>
                  </dd>
                </div>
              ) : null}
              {d.parent_dataset_id ? (
                <div className="kv-row">
                  <dt>Parent</dt>
                  <dd className="mono">{d.parent_dataset_id}</dd>
                </div>
              ) : null}
            </dl>
          </Card>
          <Card title="Stats" id="stats">
            <dl className="kv">
              {Object.entries(otherStats).map(([name, value]) => (
                <div key={name} className="kv-row">
                  <dt>{name.replace(/_/g, " ")}</dt>
                  <dd>
                    <Value value={value} />
                  </dd>
                </div>
              ))}
            </dl>
            {Object.keys(otherStats).length === 0 ? <Badge>no stats recorded</Badge> : null}
          </Card>
        </div>
      </div>
    </div>
  );
}
