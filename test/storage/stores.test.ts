import { engines } from '../support/databases';
import { runStoreContract } from './store-contract';

for (const [name, open] of engines) runStoreContract(name, open);

if (engines.length === 1) {
  it.skip('runs the store suite on PostgreSQL (set TEST_DATABASE_URL; CI does)', () => undefined);
}
