import { retryWhileOtherSchemasDrop } from '../../src/storage/connect';

// Another tenant of the database dropping its schema while Kysely's migrator reads the catalog fails
// our migration with PostgreSQL's 3F000 about a schema that is not ours; the migration is retried.
const schemaGone = Object.assign(new Error('schema "t1a2b_other" does not exist'), { code: '3F000' });

function outcomes(...results: Array<{ error?: unknown }>) {
  const calls: number[] = [];
  const migrate = async () => {
    calls.push(calls.length);
    return results[Math.min(calls.length - 1, results.length - 1)]!;
  };
  return { migrate, calls };
}

describe('migrations while other schemas are dropped', () => {
  it('tries again when a schema vanished mid-read, and succeeds', async () => {
    const { migrate, calls } = outcomes({ error: schemaGone }, { error: schemaGone }, {});
    await expect(retryWhileOtherSchemasDrop(migrate)).resolves.toEqual({});
    expect(calls).toHaveLength(3);
  });

  it('returns any other failure at once', async () => {
    const syntax = Object.assign(new Error('syntax error'), { code: '42601' });
    const { migrate, calls } = outcomes({ error: syntax }, {});
    await expect(retryWhileOtherSchemasDrop(migrate)).resolves.toEqual({ error: syntax });
    expect(calls).toHaveLength(1);
  });

  it('gives up after a bounded number of attempts when the schema stays missing', async () => {
    const { migrate, calls } = outcomes({ error: schemaGone });
    await expect(retryWhileOtherSchemasDrop(migrate)).resolves.toEqual({ error: schemaGone });
    expect(calls).toHaveLength(5);
  });
});
