import { Link, useLocation } from "react-router";
import { PageHeader } from "../components/PageHeader";
import { EmptyState } from "../components/states";

export function NotFoundPage() {
  const location = useLocation();
  return (
    <div className="page">
      <PageHeader title="Page not found" />
      <EmptyState
        title={`Nothing lives at ${location.pathname}`}
        action={
          <Link className="btn" to="/traces">
            Go to traces
          </Link>
        }
      >
        Check the address, or pick a page from the sidebar.
      </EmptyState>
    </div>
  );
}
