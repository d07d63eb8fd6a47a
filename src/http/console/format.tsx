/** @jsxImportSource hono/jsx */
/** Small pieces of markup the console's sections share. */

/** UTC on the server; the page script shows it in the reader's zone with its age. */
export function Time(props: { ms: number | undefined; never?: string }) {
  if (!props.ms) return <span class="muted">{props.never ?? "never"}</span>;
  const iso = new Date(props.ms).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 19).replace("T", " ")} UTC`}</time>;
}

export function BannerText(props: { text: string | undefined | null; none?: string }) {
  return props.text ? <span class="banner-text">“{props.text}”</span> : <span class="muted">{props.none ?? "no banner"}</span>;
}

/** The host and port of a node's API, never credentials (config refuses them in URLs anyway). */
export function hostOf(url: string | undefined): string {
  if (!url) return "";
  try {
    return new URL(url).host;
  } catch {
    return "";
  }
}
