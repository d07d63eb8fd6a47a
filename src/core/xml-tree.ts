/**
 * fast-xml-parser's ordered output (`preserveOrder: true`) → the object form its default mode
 * gives, for the options the CDR and CMS parsers use. The library's own conversion
 * (node2json.js, `compress`) was the largest single function in a profile of the warm service:
 * 15 of its 200 µs per record, with its helpers about 20. It keeps a path matcher, strips and
 * re-adds attribute prefixes and asks `isArray` for every element and attribute; our parsers need
 * none of that but the list items, which `listItem` names from the element's name and depth.
 * tests/core/xml-tree.test.ts holds the output equal to the library's own for both parsers.
 *
 * What it keeps of the library's rules (options `alwaysCreateTextNode` and `captureMetaData` off,
 * as ours are):
 * - text pieces of one element are joined under "#text"; an empty join is left out;
 * - an element with attributes is an object (its "#text" kept beside them);
 * - otherwise an element with only text is that text, and an empty element is "";
 * - a name that repeats becomes an array, and a list item is an array even when alone.
 * Element names are checked by the parser itself ("__proto__" and the like are refused there).
 */

/** One entry of the ordered output: `{ [name]: children, ":@"?: attributes }` or `{ "#text": text }`. */
type OrderedNode = Record<string, unknown>;

const ATTRIBUTES = ":@";
const TEXT = "#text";

/** Whether `name` at `depth` (the root element is 1) is a list item, always an array. */
export type ListItem = (name: string, depth: number, root: string) => boolean;

export function orderedToObject(nodes: OrderedNode[], listItem: ListItem): Record<string, unknown> {
  return convert(nodes, listItem, 1, "");
}

function convert(nodes: OrderedNode[], listItem: ListItem, depth: number, root: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let text: string | undefined;
  for (const node of nodes) {
    const name = nameOf(node);
    if (name === undefined) continue;
    if (name === TEXT) {
      const piece = String(node[TEXT]);
      text = text === undefined ? piece : text + piece;
      continue;
    }
    const rootName = depth === 1 ? name : root;
    const inner = convert(node[name] as OrderedNode[], listItem, depth + 1, rootName);
    const attributes = node[ATTRIBUTES] as Record<string, unknown> | undefined;
    let value: unknown = inner;
    if (attributes !== undefined) Object.assign(inner, attributes);
    else value = collapse(inner);
    if (Object.hasOwn(out, name)) {
      const was = out[name];
      if (Array.isArray(was)) was.push(value);
      else out[name] = [was, value];
    } else {
      out[name] = listItem(name, depth, rootName) ? [value] : value;
    }
  }
  if (text !== undefined && text !== "") out[TEXT] = text;
  return out;
}

/** The entry's element name: its one key besides the attributes. */
function nameOf(node: OrderedNode): string | undefined {
  for (const key in node) if (key !== ATTRIBUTES) return key;
  return undefined;
}

/** An element without attributes: only text → the text, nothing → "", else the object. */
function collapse(inner: Record<string, unknown>): unknown {
  let count = 0;
  let only: string | undefined;
  for (const key in inner) {
    if (++count > 1) return inner;
    only = key;
  }
  if (count === 0) return "";
  return only === TEXT ? inner[TEXT] : inner;
}
