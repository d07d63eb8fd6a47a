/**
 * Reading a whole CMS list. The server caps `limit` at a size of its own and does not say which
 * (DOMAIN §6.3, §10.12), so we advance `offset` by what actually came back and stop at `total`.
 * Pages are not a snapshot: objects added or removed between pages shift the list, so the same
 * object can appear on two pages — items are keyed by id.
 */
import type { CmsNode } from "./client.ts";
import type { Send } from "./transport.ts";
import { attr, children, parseXml, type XmlElement } from "./xml.ts";

export interface ListSpec<T> {
  /** Path without a query, e.g. `/api/v1/calls`. */
  path: string;
  /** Root element, e.g. `calls`, and item element, e.g. `call`. */
  list: string;
  item: string;
  decode: (el: XmlElement) => T;
  /**
   * Told each page's items not seen on an earlier page, as soon as the page is read: a caller
   * that has work to do per item starts it while the rest of the list is read.
   */
  onPage?: (fresh: T[]) => void;
  /** The pages go ahead of the node's waiting reads (limiter.ts): the list feeds the rest. */
  ahead?: boolean;
}

interface Page<T> {
  total: number | undefined;
  items: T[];
}

export async function listAll<T extends { id: string }>(
  send: Send,
  node: CmsNode,
  pageSize: number,
  spec: ListSpec<T>,
): Promise<T[]> {
  const byId = new Map<string, T>();
  let offset = 0;
  for (;;) {
    const page: Page<T> = await send(
      node,
      { method: "GET", path: `${spec.path}?offset=${offset}&limit=${pageSize}`, idempotent: true, ahead: spec.ahead },
      (reply) => readPage(reply.body, spec),
    );
    const fresh: T[] = [];
    for (const item of page.items) {
      if (!byId.has(item.id)) fresh.push(item);
      byId.set(item.id, item);
    }
    if (fresh.length) spec.onPage?.(fresh);
    offset += page.items.length;
    if (page.items.length === 0) break;
    if (page.total !== undefined && offset >= page.total) break;
    // A page with nothing new means the server is not paging the way we ask (or lacks
    // `total`); stopping here, rather than asking forever, leaves the rest to the next reconcile.
    if (fresh.length === 0) break;
  }
  return [...byId.values()];
}

function readPage<T>(body: string, spec: ListSpec<T>): Page<T> {
  const { root } = parseXml(body, spec.list);
  const total = attr(root, "total");
  return {
    total: total !== undefined && /^\d+$/.test(total) ? Number(total) : undefined,
    items: children(root, spec.item).map(spec.decode),
  };
}
