import { readFileSync } from 'node:fs';
import { RuleSetService } from '../../../src/personas/rule-set-service';
import { fixedClock } from '../../../src/platform/clock';
import { openStorage, type Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';

describe('the live rule set of a portal', () => {
  let storage: Storage;
  let stores: Stores;
  beforeEach(async () => {
    storage = await openStorage('sqlite::memory:');
    stores = createStores(storage);
  });
  afterEach(async () => {
    await storage.close();
  });
  const clock = fixedClock(0);
  const defaultRuleSet = () => JSON.parse(readFileSync('config/personas.json', 'utf8')) as unknown;

  it('seeds version 1 once, however often the install runs', async () => {
    const service = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet });
    await service.ensureSeeded(3);
    await service.ensureSeeded(3);
    expect((await stores.ruleSets.list(3)).map((v) => v.version)).toEqual([1]);
  });

  it('compiles a version once and follows a newly published one', async () => {
    const service = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet });
    const first = await service.ensureSeeded(3);
    expect(await service.live(3)).toBe(first);
    await stores.ruleSets.add(3, { body: first.ruleSet, status: 'published', createdBy: 'test', note: null }, 1);
    const second = await service.live(3);
    expect(second.version).toBe(2);
    expect(second.compiled).not.toBe(first.compiled);
  });

  it('refuses to seed an invalid default rule set', async () => {
    const service = new RuleSetService({ ruleSets: stores.ruleSets, clock, defaultRuleSet: () => ({ version: 1 }) });
    await expect(service.ensureSeeded(3)).rejects.toThrow(/default rule set is invalid/);
    expect(await stores.ruleSets.list(3)).toEqual([]);
  });
});
