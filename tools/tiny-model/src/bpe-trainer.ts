// A small BPE trainer for models made from scratch. Two symbols are atoms that no merge ever
// touches: each decimal digit (numbers stay one token per digit, so the model sees place value
// and can learn carries) and "\n" (a prompt ends at a line break and its answer starts on a new
// line, so the seam tokenizes the same whether or not the answer follows).
import { charTokenizerFiles, type TokenizerFiles } from '@failmine/llm';

/** What to learn. */
export interface BpeTrainOptions {
  /** Most merges to learn; fewer when no pair occurs `minFrequency` times any more. */
  merges: number;
  /** Characters always in the vocabulary, seen in the corpus or not (e.g. PRINTABLE_ASCII). */
  alphabet?: string;
  /** A pair seen fewer times than this is never merged (default 2). */
  minFrequency?: number;
}

/** The learned model: base characters in id order after the specials, then one token per merge. */
export interface BpeModel {
  alphabet: string[];
  merges: [string, string][];
}

/** True for symbols no merge may involve: a digit or the line break. */
function isAtom(symbol: string): boolean {
  return symbol === '\n' || (symbol.length === 1 && symbol >= '0' && symbol <= '9');
}

/**
 * Word counts of the corpus: each maximal run of characters other than digits and "\n".
 * Atoms are left out, since nothing merges with them.
 */
function countChunks(corpus: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of corpus) {
    for (const chunk of text.split(/[0-9\n]+/)) {
      if (chunk.length < 2) continue;
      counts.set(chunk, (counts.get(chunk) ?? 0) + 1);
    }
  }
  return counts;
}

/**
 * Learns BPE merges from `corpus`, deterministically: each round merges the most frequent
 * adjacent pair, ties broken by the pair's strings in code-unit order (never by Map order).
 */
export function trainBpe(corpus: Iterable<string>, options: BpeTrainOptions): BpeModel {
  const minFrequency = options.minFrequency ?? 2;
  const texts = [...corpus];
  const chars = new Set<string>(options.alphabet ?? '');
  for (const text of texts) for (const c of text) chars.add(c);
  const alphabet = [...chars].sort();
  const words = [...countChunks(texts)]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([chunk, count]) => ({ symbols: [...chunk], count }));
  const merges: [string, string][] = [];
  while (merges.length < options.merges) {
    const pairs = new Map<string, { left: string; right: string; count: number }>();
    for (const w of words) {
      for (let i = 0; i + 1 < w.symbols.length; i++) {
        const left = w.symbols[i] as string;
        const right = w.symbols[i + 1] as string;
        // JSON keeps a pair's two strings apart even when they hold spaces.
        const key = JSON.stringify([left, right]);
        const p = pairs.get(key);
        if (p) p.count += w.count;
        else pairs.set(key, { left, right, count: w.count });
      }
    }
    let best: { key: string; left: string; right: string; count: number } | null = null;
    for (const [key, p] of pairs) {
      if (p.count < minFrequency) continue;
      if (!best || p.count > best.count || (p.count === best.count && key < best.key)) best = { key, ...p };
    }
    if (!best) break;
    merges.push([best.left, best.right]);
    const merged = best.left + best.right;
    for (const w of words) w.symbols = mergePair(w.symbols, best.left, best.right, merged);
  }
  return { alphabet, merges };
}

/** `symbols` with every non-overlapping left+right occurrence (scanning left to right) fused. */
function mergePair(symbols: string[], left: string, right: string, merged: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (symbols[i] === left && symbols[i + 1] === right) {
      out.push(merged);
      i++;
    } else out.push(symbols[i] as string);
  }
  return out;
}

/**
 * tokenizer.json + tokenizer_config.json of a learned BPE model, with the same specials (ids
 * 0-3), bos post-processor, Fuse decoder and chat template as charTokenizerFiles. Merges are
 * written as [left, right] pairs, since tokens may hold spaces ("a b" strings would be ambiguous).
 */
export function bpeTokenizerFiles(model: BpeModel): TokenizerFiles {
  for (const [left, right] of model.merges) {
    if ([...left, ...right].some(isAtom))
      throw new Error(`bpe merge ${JSON.stringify([left, right])} involves a digit or "\\n"`);
  }
  const base = charTokenizerFiles(model.alphabet.join(''));
  const baseModel = base.tokenizerJson.model as { vocab: Record<string, number> };
  const vocab = { ...baseModel.vocab };
  for (const [left, right] of model.merges) {
    const token = left + right;
    if (vocab[token] === undefined) vocab[token] = Object.keys(vocab).length;
  }
  return {
    tokenizerJson: {
      ...base.tokenizerJson,
      model: { ...(base.tokenizerJson.model as object), vocab, merges: model.merges.map(([l, r]) => [l, r]) },
    },
    tokenizerConfig: base.tokenizerConfig,
  };
}
