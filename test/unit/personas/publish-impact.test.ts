import { findPersonaUsage, PublishImpactService } from '../../../src/personas/publish-impact';
import { defaultAutomation } from '../../../src/sandbox/automation-routes';

describe('which HubSpot lists and workflows read the persona values a publish affects', () => {
  const { lists, flows } = defaultAutomation('persona');

  it('finds list filters and workflow branches on the affected values only', () => {
    const found = findPersonaUsage({ lists, flows }, 'persona', new Set(['data_analyst']));
    expect(found.lists).toEqual([
      { kind: 'list', id: '101', name: 'Analysts for the webinar series', where: 'filter', values: ['data_analyst'], enabled: true },
    ]);
    expect(found.workflows).toEqual([
      { kind: 'workflow', id: '9001', name: 'Nurture analysts', where: 'branch', values: ['data_analyst'], enabled: true },
    ]);

    const ops = findPersonaUsage({ lists, flows }, 'persona', new Set(['ops_leader', 'developer']));
    expect(ops.lists).toEqual([]);
    expect(ops.workflows.map((w) => [w.name, w.values])).toEqual([['Nurture analysts', ['ops_leader']]]);
  });

  it('reads nested filter branches and enrollment criteria, and ignores other properties with the same values', () => {
    const nested = {
      listId: '7',
      name: 'Nested',
      filterBranch: {
        filterBranches: [
          {
            filterBranches: [
              { filters: [{ filterType: 'PROPERTY', property: 'persona', operation: { operator: 'IS_NONE_OF', values: ['developer'] } }] },
            ],
          },
        ],
      },
    };
    const sameValueOtherProperty = {
      listId: '8',
      name: 'Other',
      filterBranch: { filters: [{ filterType: 'PROPERTY', property: 'persona_secondary', operation: { values: ['developer'] } }] },
    };
    const enrolls = {
      id: '5',
      name: 'Onboard developers',
      isEnabled: false,
      enrollmentCriteria: {
        listFilterBranch: { filters: [{ filterType: 'PROPERTY', property: 'persona', operation: { value: 'developer' } }] },
      },
      actions: [],
    };
    const found = findPersonaUsage({ lists: [nested, sameValueOtherProperty], flows: [enrolls] }, 'persona', new Set(['developer']));
    expect(found.lists.map((l) => l.id)).toEqual(['7']);
    expect(found.workflows).toEqual([
      { kind: 'workflow', id: '5', name: 'Onboard developers', where: 'enrollment', values: ['developer'], enabled: false },
    ]);
  });

  it('says "could not check" for each half on its own: missing scope, or HubSpot failing', async () => {
    const reader = {
      activeListsWithFilters: async () => lists,
      flowsWithDefinitions: async (): Promise<unknown[]> => {
        throw new Error('HubSpot flows list failed after 3 attempt(s): HTTP 503');
      },
    };
    const withoutLists = new PublishImpactService({ automation: () => reader, grantedScopes: async () => ['automation'] });
    const result = await withoutLists.usage(1, 'persona', ['data_analyst']);
    expect(result.lists).toEqual({ status: 'could-not-check', reason: expect.stringContaining('crm.lists.read') });
    expect(result.workflows).toEqual({ status: 'could-not-check', reason: expect.stringContaining('HTTP 503') });

    const full = new PublishImpactService({
      automation: () => ({ ...reader, flowsWithDefinitions: async () => flows }),
      grantedScopes: async () => ['automation', 'crm.lists.read'],
    });
    const checked = await full.usage(1, 'persona', ['data_analyst']);
    expect(checked.lists).toMatchObject({ status: 'checked', items: [{ id: '101' }] });
    expect(checked.workflows).toMatchObject({ status: 'checked', items: [{ id: '9001' }] });
  });

  it('asks HubSpot nothing when no value is affected', async () => {
    const calls: string[] = [];
    const service = new PublishImpactService({
      automation: () => ({
        activeListsWithFilters: async () => {
          calls.push('lists');
          return [];
        },
        flowsWithDefinitions: async () => {
          calls.push('flows');
          return [];
        },
      }),
      grantedScopes: async () => ['automation', 'crm.lists.read'],
    });
    expect(await service.usage(1, 'persona', [])).toEqual({
      lists: { status: 'checked', items: [] },
      workflows: { status: 'checked', items: [] },
    });
    expect(calls).toEqual([]);
  });
});
