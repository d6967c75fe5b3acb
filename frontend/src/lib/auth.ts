// The API key, when the server requires one (TUNIX_RT_API_KEYS): kept in this browser's local
// storage and sent as `Authorization: Bearer KEY` on every API request.
const STORAGE_KEY = "tunix-rt.api-key";
const listeners = new Set<() => void>();

export function getApiKey(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setApiKey(key: string | null): void {
  try {
    if (key) window.localStorage.setItem(STORAGE_KEY, key);
    else window.localStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the key lasts until reload through the listeners' state only.
  }
  listeners.forEach((listener) => listener());
}

export function onApiKeyChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authHeaders(): Record<string, string> {
  const key = getApiKey();
  return key ? { Authorization: `Bearer ${key}` } : {};
}
