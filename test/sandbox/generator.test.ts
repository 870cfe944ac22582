import {
  CONTACT_ID_BASE,
  MAX_TICKETS_PER_CONTACT,
  PLANTED_GROUPS,
  TICKET_ID_BASE,
  generatePortal,
  type GeneratedPortal,
  type PlantedGroup,
} from '../../src/sandbox/generator';

const REF = Date.UTC(2026, 5, 15, 9, 30);
const DAY = 86_400_000;

function groupMeans(portal: GeneratedPortal, feature: (i: number) => number): Map<PlantedGroup, number> {
  const sums = new Map<PlantedGroup, { sum: number; n: number }>();
  for (let i = 0; i < portal.contacts; i++) {
    const g = portal.plantedGroupOf(i);
    const s = sums.get(g) ?? { sum: 0, n: 0 };
    s.sum += feature(i);
    s.n += 1;
    sums.set(g, s);
  }
  return new Map([...sums].map(([g, s]) => [g, s.sum / s.n]));
}

describe('the portal generator', () => {
  it('gives the same contacts and tickets for the same seed, whether read at random or in order', () => {
    const a = generatePortal({ seed: 42, contacts: 500, referenceTime: REF });
    const b = generatePortal({ seed: 42, contacts: 500, referenceTime: REF });
    const streamed = [...a.iterateContacts()];
    for (const i of [499, 0, 250, 17]) {
      expect(b.contactAt(i)).toEqual(streamed[i]);
      expect(b.ticketsOfContact(i)).toEqual(a.ticketsOfContact(i));
    }
  });

  it('gives different data for a different seed', () => {
    const a = generatePortal({ seed: 1, contacts: 50, referenceTime: REF });
    const b = generatePortal({ seed: 2, contacts: 50, referenceTime: REF });
    const emails = (p: GeneratedPortal) => [...p.iterateContacts()].map((c) => c.properties.email);
    expect(emails(a)).not.toEqual(emails(b));
  });

  it('maps contact and ticket ids back to their generated records', () => {
    const p = generatePortal({ seed: 3, contacts: 200, referenceTime: REF });
    for (let i = 0; i < 200; i++) {
      expect(p.indexOfContactId(p.contactAt(i).id)).toBe(i);
      for (const t of p.ticketsOfContact(i)) expect(p.ticketById(t.id)).toEqual(t);
    }
    expect(p.indexOfContactId(String(CONTACT_ID_BASE + 200))).toBeUndefined();
    expect(p.indexOfContactId('abc')).toBeUndefined();
    const withFew = [...Array(200).keys()].find((i) => p.ticketCountOf(i) < MAX_TICKETS_PER_CONTACT)!;
    const beyond = String(TICKET_ID_BASE + withFew * MAX_TICKETS_PER_CONTACT + p.ticketCountOf(withFew));
    expect(p.ticketById(beyond)).toBeUndefined();
  });

  it('sends every property value as a string or null, with HubSpot enumeration values', () => {
    const p = generatePortal({ seed: 9, contacts: 300, referenceTime: REF });
    const industries = new Set<string>();
    for (const c of p.iterateContacts()) {
      for (const v of Object.values(c.properties)) expect(v === null || typeof v === 'string').toBe(true);
      expect(['1-5', '5-25', '25-50', '50-100', '100-500', '500-1000', '1000+']).toContain(c.properties.numemployees);
      expect(c.properties.industry).toMatch(/^[A-Z_]+$/);
      industries.add(c.properties.industry!);
      for (const t of p.ticketsOfContact(c.index)) {
        expect(['PRODUCT_ISSUE', 'BILLING_ISSUE', 'FEATURE_REQUEST', 'GENERAL_INQUIRY', 'ONBOARDING']).toContain(
          t.properties.hs_ticket_category,
        );
        expect(['LOW', 'MEDIUM', 'HIGH', 'URGENT']).toContain(t.properties.hs_ticket_priority);
        expect(t.properties.hs_pipeline).toBe('0');
      }
    }
    for (const expected of [
      'COMPUTER_SOFTWARE',
      'FINANCIAL_SERVICES',
      'EDUCATION',
      'HOSPITAL_HEALTH_CARE',
      'RETAIL',
      'MARKETING_AND_ADVERTISING',
    ]) {
      expect(industries).toContain(expected);
    }
  });

  it('dates everything relative to the reference time and never after it', () => {
    const p = generatePortal({ seed: 5, contacts: 300, referenceTime: REF });
    for (const c of p.iterateContacts()) {
      const created = Date.parse(c.properties.createdate!);
      const modified = Date.parse(c.properties.lastmodifieddate!);
      expect(created).toBeLessThanOrEqual(modified);
      expect(modified).toBeLessThanOrEqual(REF);
      expect(REF - created).toBeLessThan(1300 * DAY);
      for (const t of p.ticketsOfContact(c.index)) expect(Date.parse(t.properties.createdate!)).toBeLessThanOrEqual(REF);
    }
    const shifted = generatePortal({ seed: 5, contacts: 1, referenceTime: REF + DAY });
    expect(Date.parse(shifted.contactAt(0).properties.createdate!) - Date.parse(p.contactAt(0).properties.createdate!)).toBe(DAY);
  });

  it('plants every group, with about a tenth of the contacts as noise', () => {
    const p = generatePortal({ seed: 11, contacts: 5000, referenceTime: REF });
    const counts = new Map<PlantedGroup, number>();
    for (let i = 0; i < p.contacts; i++) counts.set(p.plantedGroupOf(i), (counts.get(p.plantedGroupOf(i)) ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual([...PLANTED_GROUPS].sort());
    expect(counts.get('noise')! / 5000).toBeGreaterThan(0.07);
    expect(counts.get('noise')! / 5000).toBeLessThan(0.13);
    for (const g of PLANTED_GROUPS) expect(counts.get(g)!).toBeGreaterThan(400);
  });

  it('separates the planted groups on behaviour, not only on titles', () => {
    const p = generatePortal({ seed: 13, contacts: 3000, referenceTime: REF });
    const num = (i: number, k: string) => Number(p.contactAt(i).properties[k]);
    const views = groupMeans(p, (i) => num(i, 'hs_analytics_num_page_views'));
    const clicks = groupMeans(p, (i) => num(i, 'hs_email_click'));
    const tickets = groupMeans(p, (i) => p.ticketCountOf(i));
    const onboarding = groupMeans(p, (i) => p.ticketsOfContact(i).filter((t) => t.properties.hs_ticket_category === 'ONBOARDING').length);
    expect(views.get('developer')!).toBeGreaterThan(1.5 * views.get('hands_on_analyst')!);
    expect(views.get('hands_on_analyst')!).toBeGreaterThan(5 * views.get('economic_buyer')!);
    expect(clicks.get('marketing_ops')!).toBeGreaterThan(1.5 * clicks.get('hands_on_analyst')!);
    expect(clicks.get('hands_on_analyst')!).toBeGreaterThan(4 * clicks.get('support_lead')!);
    expect(tickets.get('support_lead')!).toBeGreaterThan(1.3 * tickets.get('hands_on_analyst')!);
    expect(tickets.get('economic_buyer')!).toBeLessThan(1);
    for (const g of PLANTED_GROUPS)
      if (g !== 'hands_on_analyst') expect(onboarding.get('hands_on_analyst')!).toBeGreaterThan(1.4 * onboarding.get(g)!);
    expect(views.get('unqualified')!).toBeLessThan(5);
  });

  it("gives a B2B portal's ticket density: most contacts never file one, support leads and analysts file most, buyers and unqualified leads almost none", () => {
    const p = generatePortal({ seed: 19, contacts: 5000, referenceTime: REF });
    let tickets = 0;
    let withNone = 0;
    for (let i = 0; i < p.contacts; i++) {
      tickets += p.ticketCountOf(i);
      if (p.ticketCountOf(i) === 0) withNone += 1;
    }
    const perContact = groupMeans(p, (i) => p.ticketCountOf(i));
    expect(tickets / p.contacts).toBeGreaterThanOrEqual(0.5);
    expect(tickets / p.contacts).toBeLessThanOrEqual(0.8);
    expect(withNone / p.contacts).toBeGreaterThan(0.5);
    expect(perContact.get('support_lead')!).toBeGreaterThan(perContact.get('hands_on_analyst')!);
    for (const g of ['economic_buyer', 'unqualified'] as const) {
      expect(perContact.get(g)!).toBeLessThan(0.2);
      expect(perContact.get(g)!).toBeLessThan(0.1 * perContact.get('hands_on_analyst')!);
    }
  });

  it('gives planted groups the titles the default persona rules look for', () => {
    const p = generatePortal({ seed: 17, contacts: 2000, referenceTime: REF });
    const title: Record<Exclude<PlantedGroup, 'noise'>, RegExp> = {
      economic_buyer: /\b(vp|director|chief|cfo|coo|head of)\b/i,
      hands_on_analyst: /analyst|analytics|\bbi\b|reporting/i,
      marketing_ops: /marketing|demand gen|growth|campaign/i,
      support_lead: /support|customer success|customer experience|service desk|help ?desk/i,
      developer: /engineer|developer|devops|architect/i,
      unqualified: /student|intern|job seeker|looking for work|apprentice/i,
    };
    for (let i = 0; i < p.contacts; i++) {
      const g = p.plantedGroupOf(i);
      if (g === 'noise') continue;
      const t = p.contactAt(i).properties.jobtitle;
      if (g === 'unqualified' && t === null) continue;
      expect(`${g}: ${t}`).toMatch(new RegExp(`^${g}: .*(${title[g].source})`, 'i'));
    }
  });

  it('rejects indexes outside the portal', () => {
    const p = generatePortal({ seed: 1, contacts: 10 });
    expect(() => p.contactAt(10)).toThrow(RangeError);
    expect(() => p.contactAt(-1)).toThrow(RangeError);
  });
});
