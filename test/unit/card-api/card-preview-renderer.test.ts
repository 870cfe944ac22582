import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildCardView } from '../../../src/card-api/build-card-view';
import { buildCardRenderer } from '../../../tools/build-card-renderer';
import { loadCardRenderer, renderCardPreview } from '../../../src/card-api/render-card-preview';
import { anInput } from './card-fixtures';

jest.setTimeout(60_000);

const CARDS = path.resolve(__dirname, '../../../cards');
const CARD_SOURCE = readFileSync(path.join(CARDS, 'PersonaCardBody.tsx'), 'utf8');

/** A copy of the card, changed as an engineer would change it, built into its own renderer. */
async function rendererOf(changeCard: (source: string) => string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'card-copy-'));
  writeFileSync(path.join(dir, 'PersonaCardBody.tsx'), changeCard(CARD_SOURCE));
  copyFileSync(path.join(CARDS, 'api-base.ts'), path.join(dir, 'api-base.ts'));
  const outFile = await buildCardRenderer({ cardsDir: dir, outFile: path.join(dir, 'out', 'renderer.js') });
  return loadCardRenderer(outFile);
}

describe("the card preview, rendered by the card's own components", () => {
  const view = buildCardView(anInput());

  beforeAll(async () => {
    // The renderer the app serves, built from the card as it is in the repository.
    await buildCardRenderer();
  });

  it("shows every section the card shows, under the card's own test ids", () => {
    const html = renderCardPreview(view);
    const testIds = [...CARD_SOURCE.matchAll(/testId="([a-z-]+)"/g)].map((m) => m[1]);
    const assignedSections = [
      'persona-name',
      'persona-kind',
      'rules-tag',
      'persona-score',
      'why',
      'fired-rules',
      'why-score',
      'runner-up',
      'talking-points',
      'content-for-stage',
      'ticket-summary',
    ];
    for (const id of assignedSections) {
      expect(testIds).toContain(id);
      expect(html).toContain(`data-testid="${id}"`);
    }
    expect(html).toContain('Eager Explorer');
    expect(html).toContain('Show the roadmap');
    expect(html).toContain(`Score ${view.why!.score} against a threshold of ${view.why!.threshold}.`);
  });

  it("keeps photo paths on this host: the card's API base is empty in the preview", () => {
    const html = loadCardRenderer()({ ...view, persona: { ...view.persona!, photoUrl: '/static/personas/explorer.svg' } });
    expect(html).toContain('src="/static/personas/explorer.svg"');
  });

  it("shows the persona's latest validation verdict and its date, as the card does", () => {
    const html = loadCardRenderer()({ ...view, validation: { status: 'refuted', words: 'Hypothesis refuted', date: '2026-11-30' } });
    expect(html).toMatch(/data-testid="persona-validation"[^>]*>Hypothesis refuted · 2026-11-30</);
    expect(loadCardRenderer()({ ...view, validation: null })).not.toContain('persona-validation');
  });

  it('changes when the card changes', async () => {
    expect(renderCardPreview(view)).toContain('Talking points');
    const changed = await rendererOf((source) => source.replace('title="Talking points"', 'title="What to say first"'));

    const html = renderCardPreview(view, changed);

    expect(html).toContain('What to say first');
    expect(html).not.toContain('Talking points');
  });

  it('refuses to build a card that uses a component the preview cannot draw', async () => {
    const usesUnknown = (source: string) =>
      source
        .replace(/\bProgressBar,/, 'ProgressBar, Statistics,')
        .replace('<Secondary view={view} />', '<Statistics /><Secondary view={view} />');

    await expect(rendererOf(usesUnknown)).rejects.toThrow(/Statistics/);
  });
});
