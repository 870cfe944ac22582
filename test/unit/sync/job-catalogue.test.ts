import { JobCatalogue } from '../../../src/jobs/job-catalogue';
import { silentLogger } from '../../../src/platform/logger';

describe('the job catalogue', () => {
  it('refuses an invalid cron expression when a job is added', () => {
    expect(() => new JobCatalogue({ logger: silentLogger }).add({ name: 'x', cron: 'every minute', run: async () => undefined })).toThrow(
      RangeError,
    );
  });

  it('logs a failing job instead of throwing', async () => {
    const catalogue = new JobCatalogue({ logger: silentLogger }).add({
      name: 'boom',
      cron: '* * * * *',
      run: async () => {
        throw new Error('boom');
      },
    });
    await expect(catalogue.runNow('boom')).resolves.toBeUndefined();
  });
});
