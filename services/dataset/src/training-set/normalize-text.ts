/**
 * The comparison form of a text, for dedup and leakage checks: Unicode NFKC, lower case, every
 * run of whitespace one space, trimmed. Punctuation and digits stay: in math they change the problem.
 */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
