import { useState, type ReactNode } from "react";
import { formatDateTime, formatRelative } from "../lib/format";
import { Icon } from "./Icon";

export function Badge({
  children,
  tone = "neutral",
  title,
}: {
  children: ReactNode;
  tone?: "neutral" | "accent" | "success" | "warning" | "danger" | "info";
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

export function TagList({ tags, onPick }: { tags: string[]; onPick?: (tag: string) => void }) {
  if (!tags.length) return <span className="muted">—</span>;
  return (
    <span className="tag-list">
      {tags.map((tag) =>
        onPick ? (
          <button
            key={tag}
            type="button"
            className="tag tag-button"
            onClick={(e) => {
              e.stopPropagation();
              onPick(tag);
            }}
            title={`Filter by tag ${tag}`}
          >
            {tag}
          </button>
        ) : (
          <span key={tag} className="tag">
            {tag}
          </span>
        ),
      )}
    </span>
  );
}

export function Time({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso)}
    </time>
  );
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-ghost btn-icon"
      aria-label={copied ? "Copied" : label}
      title={copied ? "Copied" : label}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => {
          setCopied(true);
          window.setTimeout(() => setCopied(false), 1500);
        });
      }}
    >
      <Icon name={copied ? "check" : "copy"} />
    </button>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
  id,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
  id?: string;
}) {
  const headingId = id ? `${id}-title` : undefined;
  return (
    <section className={`card ${className ?? ""}`} aria-labelledby={headingId} id={id}>
      {title || actions ? (
        <div className="card-header">
          {title ? (
            <h2 className="card-title" id={headingId}>
              {title}
            </h2>
          ) : null}
          {actions ? <div className="card-actions">{actions}</div> : null}
        </div>
      ) : null}
      <div className="card-body">{children}</div>
    </section>
  );
}
