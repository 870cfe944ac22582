import { fixedClock } from '../../../src/platform/clock';
import { AppError } from '../../../src/platform/errors';
import type { RuleSet } from '../../../src/personas/engine';
import { RuleSetAdminService } from '../../../src/personas/rule-set-admin-service';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openSqliteForTest } from '../../support/databases';
import { aPersona, aRule, aRuleSet } from '../../support/rule-set-builders';
import { RuleSetService } from '../../../src/personas/rule-set-service';

const P = 501;
const T0 = Date.UTC(2026, 10, 1);

const analyst = aPersona({
  id: 'analyst',
  name: 'Analyst Ann',
  threshold: 20,
  rules: [aRule({ property: 'jobtitle', contains: 'analyst' }, 20, 'Analyst title')],
});
const manager = aPersona({
  id: 'manager',
  name: 'Manager Max',
  threshold: 20,
  rules: [aRule({ property: 'jobtitle', contains: 'manager' }, 20, 'Manager title')],
});
const live = aRuleSet([analyst, manager]);

const contact = (id: string, jobtitle: string) => ({
  id,
  email: `${id}@acme.example`,
  properties: { firstname: `C${id}`, lastname: 'Test', jobtitle },
  hsUpdatedAt: T0,
  archived: false,
});

describe('RuleSetAdminService', () => {
  let storage: Storage;
  let stores: Stores;
  let calls: string[];
  let failOptions: boolean;

  const service = (defaultRuleSet: RuleSet = live) => {
    const rules = new RuleSetService({ ruleSets: stores.ruleSets, clock: fixedClock(T0), defaultRuleSet: () => defaultRuleSet });
    return new RuleSetAdminService({
      ruleSets: stores.ruleSets,
      crm: stores.crm,
      audit: stores.audit,
      clock: fixedClock(T0),
      batchSize: 3,
      rules: {
        liveOrDefault: (portalId) => rules.liveOrDefault(portalId),
        defaultRuleSet: () => rules.defaultRuleSet(),
        invalidate: (portalId) => {
          calls.push(`invalidate:${portalId}`);
          rules.invalidate(portalId);
        },
      },
      syncPropertyOptions: async (portalId, ruleSet) => {
        calls.push(`options:${portalId}:${ruleSet.personas.map((p) => p.id).join(',')}`);
        if (failOptions) throw new Error('HubSpot said no');
      },
      rescore: async (portalId, reason) => {
        calls.push(`rescore:${portalId}:${reason}`);
      },
    });
  };

  beforeEach(async () => {
    storage = await openSqliteForTest();
    stores = createStores(storage);
    calls = [];
    failOptions = false;
    await stores.crm.upsertContacts(
      P,
      [
        contact('1', 'Data Analyst'),
        contact('2', 'Senior Analyst'),
        contact('3', 'Product Manager'),
        contact('4', 'Engineer'),
        contact('5', 'Analyst and Manager'),
        contact('6', 'Intern'),
        contact('7', 'Analyst'),
      ],
      T0,
    );
  });
  afterEach(async () => {
    await storage.close();
  });

  describe('preview', () => {
    it('reports the distributions, who moves where with samples, and writes nothing', async () => {
      const draft = aRuleSet([
        { ...analyst, rules: [aRule({ property: 'jobtitle', matches: '^(data|senior) analyst$' }, 20, 'Specific analyst')] },
        manager,
      ]);
      const preview = await service().preview(P, draft, { samplesPerMove: 1 });

      expect(preview.contacts).toBe(7);
      expect(preview.before).toEqual({ analyst: 4, manager: 1, unassigned: 2 });
      expect(preview.after).toEqual({ analyst: 2, manager: 2, unassigned: 3 });
      expect(preview.moves.map(({ from, to, count }) => ({ from, to, count }))).toEqual([
        { from: 'analyst', to: 'manager', count: 1 },
        { from: 'analyst', to: 'unassigned', count: 1 },
      ]);
      expect(preview.unchanged).toBe(5);
      const sample = preview.moves[0].samples[0];
      expect(sample).toMatchObject({ contactId: '5', name: 'C5 Test', before: { personaId: 'analyst' }, after: { personaId: 'manager' } });
      expect(sample.after.explanation.firedRules).toEqual([{ label: 'Manager title', points: 20 }]);
      expect(preview.moves[1].samples[0].formerUnderDraft).toEqual({ personaId: 'analyst', score: 0, threshold: 20, firedRules: [] });
      expect(preview.moves[1].samples).toHaveLength(1);
      expect(preview.changes.map((c) => `${c.kind} ${c.path}`)).toEqual([
        'changed personas[analyst].rules[0].label',
        'removed personas[analyst].rules[0].when.contains',
        'added personas[analyst].rules[0].when.matches',
      ]);
      expect(await stores.ruleSets.list(P)).toEqual([]);
      expect(calls).toEqual([]);
    });

    it('names the company facts behind a rule in both explanations of a sample', async () => {
      await stores.crm.upsertCompanies(P, [{ id: '70', properties: { name: 'Acme', numberofemployees: '5200' }, hsUpdatedAt: T0 }], T0);
      await stores.crm.replaceContactCompanies(P, ['4'], [{ contactId: '4', companyId: '70', primary: true }]);
      const large = aRule({ company: { property: 'numberofemployees', gte: 1000 } }, 20, 'Large company');
      const withCompany = aRuleSet([analyst, { ...manager, rules: [...manager.rules, large] }]);
      const draft = aRuleSet([{ ...analyst, rules: [...analyst.rules, large] }, manager]);

      const preview = await service(withCompany).preview(P, draft);

      const sample = preview.moves.find((m) => m.from === 'manager' && m.to === 'analyst')!.samples[0];
      expect(sample.contactId).toBe('4');
      const facts = ['primary company: Acme, 5,200 employees'];
      expect(sample.before.explanation.firedRules).toEqual([{ label: 'Large company', points: 20, facts }]);
      expect(sample.after.explanation.firedRules).toEqual([{ label: 'Large company', points: 20, facts }]);
    });

    it('keeps at most N samples per move however many contacts move', async () => {
      const preview = await service().preview(P, aRuleSet([manager]), { samplesPerMove: 2 });
      const move = preview.moves.find((m) => m.from === 'analyst' && m.to === 'unassigned')!;
      expect(move.count).toBe(3);
      expect(move.samples.map((s) => s.contactId)).toEqual(['1', '2']);
    });

    it('breaks ties by the draft order, as publishing would', async () => {
      const preview = await service().preview(P, aRuleSet([manager, analyst]));
      expect(preview.moves.map(({ from, to, count }) => ({ from, to, count }))).toEqual([{ from: 'analyst', to: 'manager', count: 1 }]);
    });

    it('names personas no contact would match and rules that never fire', async () => {
      const ghost = aPersona({ id: 'ghost', threshold: 10, rules: [aRule({ property: 'jobtitle', eq: 'Astronaut' }, 10, 'Astronaut')] });
      const mixed = { ...manager, rules: [...manager.rules, aRule({ property: 'industry', exists: true }, 5, 'Has industry')] };
      const preview = await service().preview(P, aRuleSet([analyst, mixed, ghost]));
      expect(preview.unmatchedPersonas).toEqual(['ghost']);
      expect(preview.silentRules).toEqual([
        { personaId: 'manager', ruleIndex: 1, label: 'Has industry' },
        { personaId: 'ghost', ruleIndex: 0, label: 'Astronaut' },
      ]);
      expect(preview.coverage.find((c) => c.personaId === 'manager')).toEqual({
        personaId: 'manager',
        name: 'Manager Max',
        qualifying: 2,
        primary: 1,
      });
    });

    it('refuses an invalid draft with the JSON path of every problem', async () => {
      const bad = {
        ...live,
        personas: [
          { ...analyst, threshold: 'high' },
          { ...manager, id: 'Bad Id' },
        ],
      };
      const error = await service()
        .preview(P, bad)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('validation_failed');
      expect((error as AppError).details.map((d) => d.path)).toEqual(expect.arrayContaining(['personas[0].threshold', 'personas[1].id']));
    });
  });

  describe('publish and rollback', () => {
    it('stores a new live version, reconciles options first, audits the diff and rescores', async () => {
      const draft = aRuleSet([analyst, { ...manager, threshold: 30 }]);
      const result = await service().publish(P, draft, { actor: 'ann@acme.example', note: 'stricter managers' });

      expect(result.version).toMatchObject({ version: 1, status: 'published', createdBy: 'ann@acme.example', note: 'stricter managers' });
      expect((await service().live(P)).ruleSet.personas[1].threshold).toBe(30);
      expect(calls).toEqual([`options:${P}:analyst,manager`, `invalidate:${P}`, `rescore:${P}:ruleset:1`]);
      const [entry] = await stores.audit.list(P, { limit: 5 });
      expect(entry).toMatchObject({ actor: 'ann@acme.example', action: 'ruleset.publish', target: 'ruleset:1' });
      expect(entry.diff).toEqual({
        fromVersion: null,
        toVersion: 1,
        note: 'stricter managers',
        changes: [{ path: 'personas[manager].threshold', kind: 'changed', before: 20, after: 30 }],
      });
    });

    it('refuses an invalid rule set and leaves the live version live and HubSpot untouched', async () => {
      await service().publish(P, live, { actor: 'ann' });
      calls = [];
      const bad = { ...live, personas: [{ ...analyst, rules: [{ label: 'x', points: 1, when: { property: 'jobtitle', matches: '(' } }] }] };
      await expect(service().publish(P, bad, { actor: 'ann' })).rejects.toMatchObject({ code: 'validation_failed' });
      expect((await service().live(P)).version).toBe(1);
      expect(calls).toEqual([]);
    });

    it('publishes nothing when HubSpot refuses the option update', async () => {
      failOptions = true;
      await expect(service().publish(P, live, { actor: 'ann' })).rejects.toThrow('HubSpot said no');
      expect(await stores.ruleSets.list(P)).toEqual([]);
      expect(await stores.audit.list(P, { limit: 5 })).toEqual([]);
    });

    it('rolls back by republishing an earlier version as a new one', async () => {
      await service().publish(P, live, { actor: 'ann' });
      await service().publish(P, aRuleSet([analyst]), { actor: 'bob' });
      const result = await service().rollback(P, 1, { actor: 'cy' });

      expect(result.version).toMatchObject({ version: 3, note: 'rollback to version 1', createdBy: 'cy' });
      expect((await service().live(P)).ruleSet).toEqual(live);
      expect(result.changes).toEqual([{ path: 'personas[manager]', kind: 'added', after: manager }]);
      expect((await stores.audit.list(P, { limit: 1 }))[0]).toMatchObject({ action: 'ruleset.rollback', actor: 'cy' });
      await expect(service().rollback(P, 99, { actor: 'cy' })).rejects.toMatchObject({ code: 'not_found' });
    });

    it('serves the default rule set until a portal publishes its own', async () => {
      const served = await service().live(P);
      expect({ version: served.version, ruleSet: served.ruleSet }).toEqual({ version: null, ruleSet: live });
    });
  });
});
