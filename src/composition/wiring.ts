import type { JobRunner } from '../jobs/job-runner';
import type { Clock } from '../platform/clock';
import type { AppConfig } from '../platform/config';
import type { Logger } from '../platform/logger';
import type { Stores } from '../storage/stores';

/** What every wire function of the composition root is handed: configuration, the stores, the job runner. */
export interface Wiring {
  readonly config: AppConfig;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly stores: Stores;
  readonly jobs: JobRunner;
}
