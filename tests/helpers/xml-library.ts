/**
 * fast-xml-parser as our two parsers configure it, converting with its own code: the reference
 * that core/xml-tree.ts (our conversion of its ordered tree) and core/xml-plain.ts (our reading
 * of plain bodies) are both held to.
 */
import { XMLParser, type MatcherView, type X2jOptions } from "fast-xml-parser";
import type { ListItem } from "../../src/core/xml-tree.ts";

/** The options of src/cms/xml.ts and src/core/parse-cdr.ts, less the ones about the output form. */
export const cmsOptions: X2jOptions = { ignoreAttributes: false, attributeNamePrefix: "@", parseTagValue: false, parseAttributeValue: false, ignoreDeclaration: true, ignorePiTags: true };
export const cdrOptions: X2jOptions = { ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false, processEntities: true, htmlEntities: false, trimValues: true, ignoreDeclaration: true, ignorePiTags: true, transformTagName: (name) => name.toLowerCase() };

/** The library's own conversion, with the same list rule asked through its isArray callback. */
export function libraryParser(options: X2jOptions, listItem: ListItem): XMLParser {
  return new XMLParser({
    ...options,
    jPath: false,
    isArray: (name, path, _leaf, isAttribute) => {
      if (isAttribute || typeof path === "string") return false;
      const matcher = path as MatcherView;
      return listItem(name, matcher.getDepth(), String(matcher.toArray()[0]));
    },
  });
}
