import { toApiError, ApiError } from "./api";
import { authHeaders } from "./auth";

/**
 * POSTs a file as the raw request body, reporting upload progress (fetch cannot), and resolves
 * with the parsed JSON answer. Aborting the signal cancels the upload.
 */
export function uploadFile<T>(
  url: string,
  file: Blob,
  { onProgress, signal, contentType = "application/x-ndjson" }: {
    onProgress?: (sent: number, total: number) => void;
    signal?: AbortSignal;
    contentType?: string;
  } = {},
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Content-Type", contentType);
    for (const [name, value] of Object.entries(authHeaders())) xhr.setRequestHeader(name, value);
    xhr.responseType = "text";
    xhr.upload.onprogress = (event) => onProgress?.(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else reject(toApiError(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(new ApiError(0, "network_error", "The upload failed: the server could not be reached."));
    xhr.onabort = () => reject(new ApiError(0, "aborted", "The upload was cancelled."));
    signal?.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(file);
  });
}
