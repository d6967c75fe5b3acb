import { describe, expect, it, vi } from "vitest";
import { errorBody, mockApi } from "../test/utils";
import { api, ApiError, unwrap } from "./api";

describe("api client", () => {
  it("returns the data of a successful call", async () => {
    mockApi({ "GET /api/traces/count": () => ({ count: 7 }) });
    await expect(unwrap(api.GET("/api/traces/count"))).resolves.toEqual({ count: 7 });
  });

  it("turns the server's error body into an ApiError with its message", async () => {
    mockApi({
      "GET /api/traces/count": () => ({ status: 422, body: errorBody("validation_error", "Bad filter.") }),
    });
    const error = await unwrap(api.GET("/api/traces/count")).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 422, code: "validation_error", message: "Bad filter." });
  });

  it("explains a failed connection", async () => {
    vi.stubGlobal("fetch", vi.fn(() => Promise.reject(new TypeError("fetch failed"))));
    await expect(unwrap(api.GET("/api/health"))).rejects.toMatchObject({
      code: "network_error",
      message: expect.stringContaining("Cannot reach the tunix-rt server"),
    });
  });
});
