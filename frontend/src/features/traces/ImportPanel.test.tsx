import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";
import { renderRoute } from "../../test/utils";
import { ImportPanel, importUrl } from "./ImportPanel";

/** A stand-in XMLHttpRequest: records the request, then answers with `reply`. */
function fakeXhr(reply: { status: number; body: unknown }) {
  const sent: { url: string; body: unknown }[] = [];
  class FakeXhr {
    upload: { onprogress: ((e: { loaded: number; total: number; lengthComputable: boolean }) => void) | null } = { onprogress: null };
    onload: (() => void) | null = null;
    onerror: (() => void) | null = null;
    onabort: (() => void) | null = null;
    status = 0;
    responseText = "";
    responseType = "";
    private url = "";
    open(_method: string, url: string) {
      this.url = url;
    }
    setRequestHeader() {}
    abort() {
      this.onabort?.();
    }
    send(body: unknown) {
      sent.push({ url: this.url, body });
      setTimeout(() => {
        this.upload.onprogress?.({ loaded: 10, total: 10, lengthComputable: true });
        this.status = reply.status;
        this.responseText = JSON.stringify(reply.body);
        this.onload?.();
      }, 0);
    }
  }
  vi.stubGlobal("XMLHttpRequest", FakeXhr);
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

describe("ImportPanel", () => {
  it("builds the import query from the options", () => {
    expect(importUrl({ format: "jsonl", source: "mine", map: ["prompt=q", "response=out.text"], parser: "tags", skip_invalid: false })).toBe(
      "/api/traces/import?format=jsonl&source=mine&map=prompt%3Dq&map=response%3Dout.text&parser=tags&skip_invalid=false",
    );
  });

  it("uploads a GSM8K file with the split guessed from its name and reports the result", async () => {
    const sent = fakeXhr({ status: 200, body: { read: 3, created: 2, existing: 1, invalid: [], invalid_count: 0 } });
    renderRoute(<ImportPanel onClose={() => {}} />);
    const form = screen.getByRole("form", { name: "Import traces from a file" });
    const file = new File(['{"question":"q","answer":"a #### 1"}\n'], "gsm8k-train.jsonl");
    await userEvent.upload(within(form).getByLabelText("JSONL file"), file);
    expect(within(form).getByLabelText("Split (stored in metadata)")).toHaveValue("train");
    await userEvent.click(within(form).getByRole("button", { name: "Import" }));
    await waitFor(() => expect(within(form).getAllByRole("status")[0]).toHaveTextContent("2 new"));
    expect(sent[0]!.url).toBe("/api/traces/import?format=gsm8k&split=train&keep_calculator_marks=false&skip_invalid=false");
    expect(sent[0]!.body).toBe(file);
  });

  it("lists the invalid lines of a refused import", async () => {
    fakeXhr({
      status: 422,
      body: {
        error: {
          code: "validation_error",
          message: "1 line could not be imported (first: line 2: not JSON); nothing was stored.",
          details: { read: 2, created: 0, existing: 0, invalid: [{ line: 2, error: "not JSON" }], invalid_count: 1 },
        },
      },
    });
    renderRoute(<ImportPanel onClose={() => {}} />);
    const form = screen.getByRole("form", { name: "Import traces from a file" });
    await userEvent.upload(within(form).getByLabelText("JSONL file"), new File(["x"], "rows.jsonl"));
    await userEvent.click(within(form).getByRole("button", { name: "Import" }));
    expect(await within(form).findByRole("alert")).toHaveTextContent("nothing was stored");
    expect(within(form).getByRole("list", { name: "Invalid lines" })).toHaveTextContent("line 2: not JSON");
  });
});
