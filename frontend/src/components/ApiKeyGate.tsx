import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useId, useRef, useState, type FormEvent } from "react";
import { ApiError } from "../lib/api";
import { getApiKey, onApiKeyChange, setApiKey } from "../lib/auth";

/** True once any request was refused for want of a (valid) API key. */
function useUnauthorized(): [boolean, () => void] {
  const client = useQueryClient();
  const [refused, setRefused] = useState(false);
  useEffect(() => {
    const is401 = (error: unknown) => error instanceof ApiError && error.status === 401;
    const queries = client.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && is401(event.query.state.error)) setRefused(true);
    });
    const mutations = client.getMutationCache().subscribe((event) => {
      if (event.type === "updated" && is401(event.mutation?.state.error)) setRefused(true);
    });
    return () => {
      queries();
      mutations();
    };
  }, [client]);
  return [refused, () => setRefused(false)];
}

/** Asks for the server's API key when it refuses requests without one, then retries them. */
export function ApiKeyGate() {
  const client = useQueryClient();
  const [refused, reset] = useUnauthorized();
  const [key, setKey] = useState("");
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const hadKey = Boolean(getApiKey());

  useEffect(() => {
    if (refused) input.current?.focus();
  }, [refused]);

  if (!refused) return null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) return;
    setApiKey(key.trim());
    setKey("");
    reset();
    void client.invalidateQueries();
  };
  return (
    <div className="dialog-backdrop">
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} onSubmit={submit}>
        <h2 id={`${id}-title`} className="dialog-title">
          {hadKey ? "The API key was not accepted" : "This server requires an API key"}
        </h2>
        <div className="dialog-body">
          <p>
            Enter one of the keys the server was started with (<code>TUNIX_RT_API_KEYS</code>). It is
            kept in this browser only.
          </p>
          <div className="field">
            <label htmlFor={`${id}-key`}>API key</label>
            <input
              ref={input}
              id={`${id}-key`}
              type="password"
              autoComplete="off"
              value={key}
              onChange={(e) => setKey(e.target.value)}
            />
          </div>
        </div>
        <div className="dialog-actions">
          <button type="submit" className="btn btn-primary" disabled={!key.trim()}>
            Use this key
          </button>
        </div>
      </form>
    </div>
  );
}

/** "API key set · Forget" in the sidebar, when a key is stored. */
export function ApiKeyStatus() {
  const client = useQueryClient();
  const [hasKey, setHasKey] = useState(() => Boolean(getApiKey()));
  useEffect(() => onApiKeyChange(() => setHasKey(Boolean(getApiKey()))), []);
  if (!hasKey) return null;
  return (
    <div className="api-key-status">
      API key set ·{" "}
      <button
        type="button"
        className="link-button"
        onClick={() => {
          setApiKey(null);
          void client.invalidateQueries();
        }}
      >
        Forget
      </button>
    </div>
  );
}
