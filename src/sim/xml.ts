/** Small XML writers: every text and attribute value passes through `escapeXml`. */

const XML_DECLARATION = '<?xml version="1.0"?>';

export function escapeXml(value: string): string {
  return value.replace(/[<>&"']/g, (ch) => `&${ENTITIES[ch]};`);
}

const ENTITIES: Record<string, string> = { "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" };

export type XmlValue = string | number | boolean;

/** `<name>value</name>`, or `<name/>` for an empty string (as CMS writes `<ownerName/>`). */
export function el(name: string, value: XmlValue): string {
  const text = escapeXml(String(value));
  return text === "" ? `<${name}/>` : `<${name}>${text}</${name}>`;
}

/** `el` when the value is present, nothing otherwise. */
export function optEl(name: string, value: XmlValue | undefined): string {
  return value === undefined ? "" : el(name, value);
}

/** An element with attributes and already-written children (`children` is not escaped). */
export function node(name: string, attrs: Record<string, XmlValue | undefined>, children = ""): string {
  const written = Object.entries(attrs)
    .filter((entry): entry is [string, XmlValue] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  return `<${name}${written}>${children}</${name}>`;
}

/** A response or CDR document: the declaration CMS puts in front, then the root element. */
export function xmlDocument(root: string): string {
  return `${XML_DECLARATION}\n${root}`;
}
