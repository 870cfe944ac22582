import type { Router } from 'express';
import type { Clock } from '../platform/clock';
import type { Logger } from '../platform/logger';
import { createWebhookRoutes } from './webhook-routes';
import { WebhookWorker, type WebhookWorkerDeps, type WebhookWorkerOptions } from './webhook-worker';

export interface WebhookReceiverDeps extends Omit<WebhookWorkerDeps, 'options'> {
  /** HubSpot signs with the app's client secret. */
  readonly clientSecret: string;
  readonly appBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly worker?: WebhookWorkerOptions;
  /** Who hears of stored events; by default this process's worker loop is nudged. */
  readonly onEnqueued?: (portalIds: readonly number[]) => void;
}

/** The intake route and the worker that drains what it stores, wired to each other (an intake nudges the worker). */
export function createWebhookReceiver(deps: WebhookReceiverDeps): { router: Router; worker: WebhookWorker } {
  const { clientSecret, appBaseUrl, worker: options, onEnqueued, ...workerDeps } = deps;
  const worker = new WebhookWorker({ ...workerDeps, options });
  const router = createWebhookRoutes({
    inbox: deps.inbox,
    clientSecret,
    appBaseUrl,
    clock: deps.clock,
    logger: deps.logger,
    onEnqueued: (portalIds) => (onEnqueued ? onEnqueued(portalIds) : worker.nudge()),
  });
  return { router, worker };
}
