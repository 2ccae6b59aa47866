/**
 * Escapes text for a Markdown table cell, list item or paragraph, so a string from the data
 * (a run id, a category, an error) renders as itself:
 * - always: `\`, `` ` ``, `*`, `~`, `<` (raw HTML such as `<script>`), `&` (entities), `|` (ends a cell);
 * - `_` only at a word's edge (inside a word CommonMark never reads it as emphasis: tie_rate);
 * - `]` only before `(`, `[` or `:` (the forms that make a link or a link definition), so an
 *   interval "[17.9 %, 22.3 %]" stays readable;
 * - a leading `#`, `>`, `-`, `+`, `=` or "1." that would start a heading, quote or list;
 * - newlines folded to spaces, because a table row is one line.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/[\\`*~<&|]/g, (c) => `\\${c}`)
    .replace(/(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g, '\\_')
    .replace(/\](?=[([:])/g, '\\]')
    .replace(/^(\s*)(?=>|[#+-](?:\s|$)|[=-]+\s*$)/, '$1\\')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}
