/**
 * The default exchange: ofetch over the runtime's fetch. Node, Deno and workerd all have it;
 * Deno and Workers use it as is, with their extra fetch options (a Deno HttpClient) merged in.
 */
import { FetchError, ofetch, type FetchOptions } from "ofetch";
import { errorCode, ExchangeFailure, type Exchange } from "./exchange.ts";

export function fetchExchange(fetchOptions: Record<string, unknown> = {}): Exchange {
  const $fetch = ofetch.create({ ...fetchOptions, retry: 0 } as FetchOptions);

  return async ({ url, method, headers, form, timeoutMs }) => {
    const controller = new AbortController();
    // A reason object of our own tells "our deadline passed" apart from any other abort.
    const deadline = new Error(`no complete answer within ${timeoutMs} ms`);
    const timer = setTimeout(() => controller.abort(deadline), timeoutMs);
    try {
      // Our own signal rather than ofetch's `timeout`: that one stops at the headers, while
      // this deadline also covers reading the body. The form goes as URLSearchParams: given a
      // string, ofetch would take it for JSON and add `Accept: application/json`.
      const res = await $fetch.raw(url, {
        method,
        headers,
        body: form,
        responseType: "text",
        ignoreResponseError: true,
        retry: 0,
        signal: controller.signal,
      });
      return { status: res.status, body: res._data ?? "", headers: res.headers };
    } catch (err) {
      // ofetch's FetchError keeps the request options, Authorization header included, one
      // getter away; only the underlying network error is kept as the cause.
      const original = err instanceof FetchError && err.cause !== undefined ? err.cause : err;
      if (controller.signal.aborted && controller.signal.reason === deadline) {
        throw new ExchangeFailure("timeout", `after ${timeoutMs} ms`, original);
      }
      throw new ExchangeFailure("unreachable", errorCode(original), original);
    } finally {
      clearTimeout(timer);
    }
  };
}
