import { randomBytes } from 'node:crypto';
import { InstallProgressLinks, installProgressSecret } from '../../../src/install/install-progress';
import { describeProgress, fmtDuration } from '../../../src/install/install-progress-page';

describe('the link the install page follows the first sync by', () => {
  const links = new InstallProgressLinks(installProgressSecret(randomBytes(32)));
  const T0 = Date.parse('2026-11-30T10:00:00Z');

  it('names its portal for a day, and nothing once altered, expired or signed with another key', () => {
    const token = links.issue(42, T0);
    expect(links.verify(token, T0 + 60_000)).toBe(42);
    expect(links.verify(token, T0 + 24 * 3_600_000)).toBe(42);
    expect(links.verify(token, T0 + 24 * 3_600_000 + 1)).toBeNull();
    expect(links.verify(token, T0 - 1)).toBeNull();
    expect(links.verify(token.replace(/^42\./, '43.'), T0)).toBeNull();
    expect(links.verify(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`, T0)).toBeNull();
    expect(links.verify('42', T0)).toBeNull();
    expect(new InstallProgressLinks(installProgressSecret(randomBytes(32))).verify(token, T0)).toBeNull();
  });

  it('words the figures an admin reads', () => {
    const base = { total: 50_000, scored: 12_000, written: 11_900, remaining: 38_000, contactsPerSecond: 390, etaSeconds: 98 };
    expect(describeProgress({ state: 'syncing', ...base })).toBe(
      '12,000 of 50,000 contacts scored · 11,900 personas written to HubSpot · 38,000 remaining · about 2 minutes left',
    );
    expect(describeProgress({ state: 'starting', ...base })).toBe('Starting the first sync…');
    expect(describeProgress({ state: 'stopped', ...base, etaSeconds: null })).toMatch(
      /^Paused at 12,000 of 50,000 contacts scored .* It resumes on its own/,
    );
    expect(describeProgress({ state: 'syncing', ...base, total: null, remaining: null, etaSeconds: null })).toBe(
      '12,000 contacts scored · 11,900 personas written to HubSpot',
    );
    expect(fmtDuration(59)).toBe('less than a minute');
    expect(fmtDuration(60 * 60 * 2.5)).toBe('about 2.5 hours');
  });
});
