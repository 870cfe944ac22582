/** Words too common to tell groups apart, in job titles and ticket subjects. */
const STOP_WORDS = new Set([
  'a',
  'an',
  'and',
  'are',
  'as',
  'at',
  'be',
  'but',
  'by',
  'can',
  'do',
  'does',
  'for',
  'from',
  'has',
  'have',
  'how',
  'i',
  'in',
  'into',
  'is',
  'it',
  'its',
  'me',
  'my',
  'need',
  'no',
  'not',
  'of',
  'on',
  'or',
  'our',
  'please',
  'so',
  'that',
  'the',
  'their',
  'there',
  'this',
  'to',
  'up',
  'us',
  'was',
  'we',
  'what',
  'when',
  'where',
  'which',
  'why',
  'will',
  'with',
  'you',
  'your',
  're',
  'fw',
  'fwd',
  'hi',
  'hello',
  'help',
  'question',
  'issue',
]);

/** Lower-case words of two letters or more, stop words removed. */
export function contentWords(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = text.toLowerCase().match(/[a-z][a-z0-9'-]*[a-z0-9]|[a-z]{2,}/g) ?? [];
  return words.filter((word) => word.length >= 2 && !STOP_WORDS.has(word));
}

/** Interns strings to dense integer ids so 100k contacts keep compact per-row data. */
export class Vocabulary {
  private readonly ids = new Map<string, number>();
  readonly words: string[] = [];
  readonly counts: number[] = [];

  intern(word: string): number {
    let id = this.ids.get(word);
    if (id === undefined) {
      id = this.words.length;
      this.ids.set(word, id);
      this.words.push(word);
      this.counts.push(0);
    }
    this.counts[id]++;
    return id;
  }

  idOf(word: string): number | undefined {
    return this.ids.get(word);
  }

  /** Ids of the most frequent entries, most frequent first, at least `minCount` occurrences. */
  top(limit: number, minCount = 1): number[] {
    return this.words
      .map((_, id) => id)
      .filter((id) => this.counts[id] >= minCount)
      .sort((a, b) => this.counts[b] - this.counts[a] || (this.words[a] < this.words[b] ? -1 : 1))
      .slice(0, limit);
  }
}
