import { useState, type ReactNode } from "react";
import { toApiError } from "../lib/api";
import { authHeaders, getApiKey } from "../lib/auth";
import { useToast } from "./Toasts";

/**
 * A link to an API file (an export, a manifest). A plain link can carry no Authorization header,
 * so when an API key is set the file is fetched with it and handed to the browser as a download.
 */
export function DownloadLink({
  href,
  filename,
  className,
  children,
  newTab = false,
}: {
  href: string;
  filename?: string;
  className?: string;
  children: ReactNode;
  newTab?: boolean;
}) {
  const notify = useToast();
  const [busy, setBusy] = useState(false);
  return (
    <a
      href={href}
      className={className}
      download={newTab ? undefined : (filename ?? true)}
      target={newTab ? "_blank" : undefined}
      rel={newTab ? "noreferrer" : undefined}
      aria-busy={busy || undefined}
      onClick={async (event) => {
        if (!getApiKey()) return;
        event.preventDefault();
        setBusy(true);
        try {
          const response = await fetch(href, { headers: authHeaders() });
          if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null));
          const url = URL.createObjectURL(await response.blob());
          const link = document.createElement("a");
          link.href = url;
          link.download = filename ?? href.split("/").pop()?.split("?")[0] ?? "download";
          link.click();
          window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
        } catch (error) {
          notify(error instanceof Error ? error.message : String(error), "error");
        } finally {
          setBusy(false);
        }
      }}
    >
      {children}
    </a>
  );
}
