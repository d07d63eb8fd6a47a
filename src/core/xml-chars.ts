/** Character codes of XML markup, for the scans in xml-guard.ts and xml-plain.ts (charCodeAt, no regular expressions). */
export const LT = 0x3c;
export const GT = 0x3e;
export const SLASH = 0x2f;
export const BANG = 0x21;
export const QUESTION = 0x3f;
export const EQ = 0x3d;
export const AMP = 0x26;
export const DQUOTE = 0x22;
export const SQUOTE = 0x27;
export const RSQB = 0x5d;
