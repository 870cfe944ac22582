import type { PortalId } from '../crm/model';
import type { PersonaMetricAccumulator } from './hypothesis-evaluation';
import type { AnalysisContactSource } from './insights-ports';
import { pilotOutcomesFromProperties, type PilotPropertyMapping } from './pilot-from-properties';
import type { PilotRow } from './pilot-import';
import type { PilotExposure } from './pilot-statistics';

/** Pilot exposures from contact properties (no file imported), with each persona's metrics on the way. */
export async function exposuresFromProperties(
  contacts: AnalysisContactSource,
  portalId: PortalId,
  mapping: PilotPropertyMapping,
  metrics: PersonaMetricAccumulator,
  unassignedId: string,
): Promise<PilotExposure[]> {
  const exposures: PilotExposure[] = [];
  for await (const contact of contacts.streamForAnalysis(portalId)) {
    const personaId = contact.personaId ?? unassignedId;
    metrics.add(personaId, contact.properties);
    const observed = pilotOutcomesFromProperties(contact.properties, mapping);
    if (observed) exposures.push({ contactId: contact.id, personaId, variant: observed.variant, outcomes: observed.outcomes });
  }
  return exposures;
}

/** One pass over the portal: pilot rows become exposures, and (optionally) metrics accumulate. */
export async function resolveExposures(
  contacts: AnalysisContactSource,
  portalId: PortalId,
  rows: readonly PilotRow[],
  metrics: PersonaMetricAccumulator | null,
  unassignedId = 'unassigned',
): Promise<{ exposures: PilotExposure[]; unmatched: { contacts: number; lines: number[] } }> {
  const idByEmail = new Map<string, string>();
  const personaById = new Map<string, string>();
  const wantEmails = rows.some((row) => row.contactId === null);
  if (rows.length > 0 || metrics) {
    for await (const contact of contacts.streamForAnalysis(portalId)) {
      const personaId = contact.personaId ?? unassignedId;
      metrics?.add(personaId, contact.properties);
      if (rows.length === 0) continue;
      personaById.set(contact.id, personaId);
      const email = contact.email ?? contact.properties.email ?? null;
      if (wantEmails && email) idByEmail.set(email.trim().toLowerCase(), contact.id);
    }
  }
  const byContact = new Map<string, { variant: string; outcomes: Set<string> }>();
  const unmatchedKeys = new Set<string>();
  const unmatchedLines: number[] = [];
  for (const row of rows) {
    const contactId =
      row.contactId !== null && personaById.has(row.contactId) ? row.contactId : row.email !== null ? idByEmail.get(row.email) : undefined;
    if (contactId === undefined) {
      unmatchedKeys.add(row.contactId ?? row.email ?? '');
      if (unmatchedLines.length < 20) unmatchedLines.push(row.line);
      continue;
    }
    let exposure = byContact.get(contactId);
    if (!exposure) {
      exposure = { variant: row.variant, outcomes: new Set() };
      byContact.set(contactId, exposure);
    }
    if (row.value === 1) exposure.outcomes.add(row.outcome);
  }
  const exposures = [...byContact.entries()].map(([contactId, exposure]) => ({
    contactId,
    personaId: personaById.get(contactId)!,
    variant: exposure.variant,
    outcomes: exposure.outcomes,
  }));
  return { exposures, unmatched: { contacts: unmatchedKeys.size, lines: unmatchedLines } };
}
