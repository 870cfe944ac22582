import { generatePortal, type GeneratedPortal } from '../../../../src/sandbox/generator';
import type { AnalysisContact } from '../../../../src/insights/feature-catalogue';
import type { PilotExposure } from '../../../../src/insights/pilot-statistics';
import type { RandomSource } from '../../../../src/insights/seeded-random';

/** A sandbox portal with planted groups, as analysis contacts, with each contact's true group. */
export function plantedPortal(seed: number, contacts: number): { portal: GeneratedPortal; contacts: AnalysisContact[]; groups: string[] } {
  const portal = generatePortal({ seed, contacts });
  const list: AnalysisContact[] = [];
  const groups: string[] = [];
  for (const contact of portal.iterateContacts()) {
    list.push({
      id: contact.id,
      email: contact.properties.email ?? undefined,
      properties: contact.properties,
      tickets: portal.ticketsOfContact(contact.index),
      personaId: null,
    });
    groups.push(contact.group);
  }
  return { portal, contacts: list, groups };
}

/** The same contacts with their sandbox primary company and survey answers, as a synced portal has them. */
export function withAccounts(portal: GeneratedPortal, contacts: readonly AnalysisContact[]): AnalysisContact[] {
  const accounts = portal.accounts;
  return contacts.map((contact, i) => {
    const company = accounts.companyIndexOfContact(i);
    return {
      ...contact,
      company: company >= 0 ? { properties: accounts.companyAt(company).properties } : null,
      surveys: accounts.surveysOfContact(i).map((survey) => ({ properties: survey.properties })),
    };
  });
}

/**
 * A simulated pilot: `perArm` contacts per persona and variant, each reaching `outcome` with the
 * given probability per (persona, variant).
 */
export function simulatePilot(
  random: RandomSource,
  perArm: number,
  rates: Readonly<Record<string, Readonly<Record<string, number>>>>,
  outcome = 'clicked',
): PilotExposure[] {
  const exposures: PilotExposure[] = [];
  // Shared, never mutated: hundreds of simulated pilots would otherwise allocate a set per contact.
  const reached: ReadonlySet<string> = new Set([outcome]);
  const missed: ReadonlySet<string> = new Set();
  let next = 1;
  for (const [personaId, byVariant] of Object.entries(rates)) {
    for (const [variant, rate] of Object.entries(byVariant)) {
      for (let i = 0; i < perArm; i++) {
        exposures.push({ contactId: String(next++), personaId, variant, outcomes: random() < rate ? reached : missed });
      }
    }
  }
  return exposures;
}
