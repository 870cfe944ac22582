import { DashboardService, NO_COMPANIES_NOTE, NO_SURVEYS_NOTE } from '../../../src/admin/dashboard-service';
import { fixedClock } from '../../../src/platform/clock';
import { RuleSetService } from '../../../src/personas/rule-set-service';
import type { Storage } from '../../../src/storage/connect';
import { createStores, type Stores } from '../../../src/storage/stores';
import { openSqliteForTest } from '../../support/databases';
import { aPersona, aRuleSet } from '../../support/rule-set-builders';

const P = 4242;
const T0 = Date.UTC(2026, 10, 1);
const ruleSet = aRuleSet([aPersona({ id: 'analyst', name: 'Analyst Ann' }), aPersona({ id: 'buyer', name: 'Budget Bob' })]);

const computed = (contactId: string, personaId: string) => ({
  contactId,
  personaId,
  score: 1,
  secondary: [],
  journeyStage: 'awareness',
  explanation: null,
  ruleSetVersion: 1,
  needsWrite: false,
});

describe('DashboardService', () => {
  let storage: Storage;
  let stores: Stores;
  let service: DashboardService;

  beforeEach(async () => {
    storage = await openSqliteForTest();
    stores = createStores(storage);
    const rules = new RuleSetService({ ruleSets: stores.ruleSets, clock: fixedClock(T0), defaultRuleSet: () => ruleSet });
    service = new DashboardService({
      rules,
      assignments: stores.assignments,
      sync: stores.sync,
      inbox: stores.inbox,
      portals: stores.portals,
      crm: stores.crm,
    });
  });
  afterEach(async () => {
    await storage.close();
  });

  it('orders the distribution as the rule set does, then unassigned, then personas the rule set no longer has', async () => {
    await stores.assignments.saveComputed(
      P,
      [
        computed('1', 'buyer'),
        computed('2', 'analyst'),
        computed('3', 'analyst'),
        computed('4', 'unassigned'),
        computed('5', 'retired_one'),
      ],
      'test',
      T0,
    );

    const dashboard = await service.dashboard(P);

    expect(dashboard.distribution).toEqual([
      { personaId: 'analyst', name: 'Analyst Ann', count: 2, kind: 'customer' },
      { personaId: 'buyer', name: 'Budget Bob', count: 1, kind: 'customer' },
      { personaId: 'unassigned', name: ruleSet.unassigned.label, count: 1, kind: 'unassigned' },
      { personaId: 'retired_one', name: 'retired_one', count: 1, kind: 'retired' },
    ]);
    expect({ total: dashboard.total, unassigned: dashboard.unassigned, unassignedShare: dashboard.unassignedShare }).toEqual({
      total: 5,
      unassigned: 1,
      unassignedShare: 0.2,
    });
    expect(dashboard.liveVersion).toBeNull();
    expect(dashboard.portal).toEqual({ portalId: P, hubDomain: null, state: 'unknown' });
  });

  it('says plainly when the portal did not grant survey responses (or companies), and nothing when it granted both', async () => {
    const portal = (scopes: string[]) =>
      stores.portals.upsert({
        portalId: P,
        hubDomain: 'p.example',
        state: 'installed',
        scopes,
        accessTokenEnc: null,
        refreshTokenEnc: null,
        accessExpiresAt: null,
        installedAt: T0,
        updatedAt: T0,
        installedBy: null,
        lastError: null,
      });
    await portal(['oauth', 'crm.objects.contacts.read', 'crm.objects.companies.read']);
    expect((await service.dashboard(P)).accountData).toEqual({ companies: true, surveys: false, notes: [NO_SURVEYS_NOTE] });
    expect(NO_SURVEYS_NOTE).toMatch(/count no responses/);

    await portal(['oauth', 'crm.objects.contacts.read']);
    expect((await service.dashboard(P)).accountData.notes).toEqual([NO_COMPANIES_NOTE, NO_SURVEYS_NOTE]);

    await portal(['oauth', 'crm.objects.companies.read', 'crm.objects.feedback_submissions.read']);
    expect((await service.dashboard(P)).accountData).toEqual({ companies: true, surveys: true, notes: [] });
  });

  it('lists failed runs and the connection error together, newest first', async () => {
    const older = await stores.sync.startRun(P, 'full', T0);
    await stores.sync.finishRun(older.id, 'failed', 'HubSpot answered 500', T0 + 1_000);
    const running = await stores.sync.startRun(P, 'incremental', T0 + 5_000);
    await stores.portals.upsert({
      portalId: P,
      hubDomain: 'p.example',
      state: 'needs_reauth',
      scopes: [],
      accessTokenEnc: null,
      refreshTokenEnc: null,
      accessExpiresAt: null,
      installedAt: T0,
      updatedAt: T0 + 3_000,
      installedBy: null,
      lastError: 'refresh token rejected',
    });

    const dashboard = await service.dashboard(P);

    expect(dashboard.recentErrors).toEqual([
      { at: T0 + 3_000, source: 'HubSpot connection', message: 'refresh token rejected' },
      { at: T0 + 1_000, source: 'full sync', message: 'HubSpot answered 500' },
    ]);
    expect(dashboard.sync.current?.id).toBe(running.id);
    expect(dashboard.portal).toEqual({ portalId: P, hubDomain: 'p.example', state: 'needs_reauth' });
  });
});
