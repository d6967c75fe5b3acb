import { useRouteError } from "react-router";
import { ErrorState } from "./states";

/** Shown when a page throws while rendering: the error, and a way back. */
export function RouteError() {
  const error = useRouteError();
  return (
    <div className="page">
      <ErrorState error={error} title="This page failed to render" onRetry={() => window.location.reload()} />
    </div>
  );
}
