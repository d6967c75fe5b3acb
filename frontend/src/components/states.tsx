import type { ReactNode } from "react";
import { ApiError, errorMessage } from "../lib/api";
import { Icon } from "./Icon";

/** Skeleton rows while data loads; announced politely to screen readers. */
export function LoadingState({ label = "Loading", rows = 6 }: { label?: string; rows?: number }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite" aria-busy="true">
      <span className="visually-hidden">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" style={{ width: `${92 - ((i * 17) % 35)}%` }} />
      ))}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state state-empty" role="status">
      <div className="state-title">{title}</div>
      {children ? <div className="state-body">{children}</div> : null}
      {action ? <div className="state-action">{action}</div> : null}
    </div>
  );
}

export function ErrorState({
  error,
  title = "Something went wrong",
  onRetry,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
}) {
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="state state-error" role="alert">
      <div className="state-title">{title}</div>
      <div className="state-body">
        {errorMessage(error)}
        {code && code !== "network_error" ? <code className="error-code">{code}</code> : null}
      </div>
      {onRetry ? (
        <div className="state-action">
          <button type="button" className="btn" onClick={onRetry}>
            <Icon name="refresh" /> Retry
          </button>
        </div>
      ) : null}
    </div>
  );
}

/** A short error line under a form. */
export function InlineError({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {errorMessage(error)}
    </p>
  );
}
