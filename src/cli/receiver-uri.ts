/**
 * CDR receiver URIs: ours for a node (`{node}` filled in, `?token=` added from CDR_TOKEN), how
 * to compare one with what a CMS node lists, and how to print any of them without a secret —
 * ours has the token in its query, and others' often carry a key in the query or the path.
 */

export function receiverUriFor(template: string, node: string, token: string | undefined): string {
  const url = new URL(template.replaceAll("{node}", encodeURIComponent(node)));
  if (token !== undefined && !url.searchParams.has("token")) url.searchParams.set("token", token);
  return url.toString();
}

/** Equal as URLs: case of scheme and host, default ports and encoding do not matter. */
export function sameUri(a: string, b: string): boolean {
  const norm = (s: string) => {
    try {
      return new URL(s).toString();
    } catch {
      return s;
    }
  };
  return norm(a) === norm(b);
}

/** Same receiver except for its query (an old token): ours, but stale. */
export function sameEndpoint(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.origin === y.origin && x.pathname.replace(/\/+$/, "") === y.pathname.replace(/\/+$/, "");
  } catch {
    return false;
  }
}

/** Query values and long path segments hidden; credentials in the authority dropped. */
export function maskUri(uri: string): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return "(unparsable URI)";
  }
  const path = url.pathname
    .split("/")
    .map((seg) => (looksSecret(seg) ? "***" : seg))
    .join("/");
  const query = [...url.searchParams.keys()].map((k) => `${k}=***`).join("&");
  return `${url.protocol}//${url.host}${path}${query ? `?${query}` : ""}`;
}

/** A key-like path segment (hex, a GUID, a long random word); node names such as cb-london-01 stay. */
function looksSecret(seg: string): boolean {
  if (!/\d/.test(seg)) return false;
  return /^[A-Fa-f0-9-]{16,}$/.test(seg) || (/^[A-Za-z0-9_~.]{20,}$/.test(seg) && /[A-Za-z]/.test(seg));
}
