// Reads a judge model's choice from its free text. Judges do not follow the requested format
// reliably ("[[A]]" is asked for), so common phrasings are read too; anything else is
// unparseable rather than guessed, because a wrong guess would bias the win rate.

/** Which answer the judge preferred, as it saw them: A (shown first), B (shown second) or a tie. */
export type JudgeChoice = 'A' | 'B' | 'tie';

/** What was read from one judge output: the choice and the rule that found it, or why none. */
export type ParsedJudgeVerdict =
  | { choice: JudgeChoice; rule: string }
  | { choice: undefined; rule: 'unparseable'; why: string };

// "[[A]]", "[[b]]", "[[C]]" (MT-Bench's tie), "[[tie]]".
const BRACKETED = /\[\[\s*(A|B|C|tie)\s*\]\]/gi;
// "Verdict: tie", "Answer: B", "**Final verdict:** [A]", "the better answer is (b)", "I prefer B",
// "Winner = Response A". The letter is capital, or lowercase only when wrapped as "(b)"/"[b]", so
// "the answer is a good one" is not read as A.
const MARKER =
  /\b(?:final verdict|verdict|answer|winner|choice|decision|better (?:answer|response|one) is|preferred (?:answer|response) is|i (?:prefer|choose|pick|select)|i would (?:prefer|choose|pick))\s*(?:is\s*)?[:=\-–]?\s*\**\s*(?:(?:answer|response|assistant|output|option)\s+)?(?:([AB])\b|[([]([abAB])[)\]]|(tie)\b)/gi;
// "A is better", "Answer B is clearly better", "Response A wins", "(a) is preferable".
const BETTER =
  /(?:^|[^\w])(?:(?:answer|response|assistant|output|option)\s+)?(?:([AB])|[([]([abAB])[)\]])\s+(?:is\s+(?:clearly\s+|slightly\s+|much\s+|far\s+)?(?:better|superior|preferable|preferred|stronger|more (?:accurate|correct|helpful))|wins)\b/gi;
// Ways of saying neither is better.
const TIE =
  /\b(?:tie|tied|a draw|equally (?:good|bad|correct|incorrect|helpful|valid|strong|weak)|both (?:answers |responses )?are (?:equally|the same|equivalent|correct|incorrect|wrong)|neither (?:answer |response |one )?is better|no (?:clear )?winner|equivalent|same quality)\b/i;
// The whole output is just the letter: "A", "B.", "(A)", "**B**".
const LONE = /^[\s*([]*([AB])[\s*)\].]*$/;

// NOTE: the patterns are case-insensitive for their words, but a bare letter (group 1) must be a
// capital: "the answer is a good one" and "a better approach" are not verdicts for A.
// "[[b]]" is wrapped, so any case is fine there (bareCapital false).
function choicesOf(matches: Iterable<RegExpMatchArray>, bareCapital = true): JudgeChoice[] {
  const out: JudgeChoice[] = [];
  for (const m of matches) {
    if (bareCapital && m[1] !== undefined && m[1] !== m[1].toUpperCase()) continue;
    const raw = (m[1] ?? m[2] ?? m[3] ?? '').toLowerCase();
    out.push(raw === 'a' ? 'A' : raw === 'b' ? 'B' : 'tie');
  }
  return out;
}

/**
 * Parses one judge output. Rules are tried in order (bracketed, marker, better-phrase,
 * tie-phrase, lone letter); the first rule that finds anything decides, and if it finds two
 * different choices the output is unparseable (a judge that names both has not decided).
 */
export function parseJudgeVerdict(text: string): ParsedJudgeVerdict {
  const rules: [string, () => JudgeChoice[]][] = [
    ['bracketed', () => choicesOf(text.matchAll(BRACKETED), false)],
    ['marker', () => choicesOf(text.matchAll(MARKER))],
    ['better-phrase', () => choicesOf(text.matchAll(BETTER))],
    ['tie-phrase', () => (TIE.test(text) ? ['tie'] : [])],
    ['lone-letter', () => choicesOf([LONE.exec(text)].filter((m) => m !== null))],
  ];
  for (const [rule, find] of rules) {
    const found = [...new Set(find())];
    if (found.length === 1 && found[0]) return { choice: found[0], rule };
    if (found.length > 1)
      return { choice: undefined, rule: 'unparseable', why: `conflicting ${rule}: ${found.join(', ')}` };
  }
  return {
    choice: undefined,
    rule: 'unparseable',
    why: text.trim() === '' ? 'empty output' : 'no verdict found',
  };
}
