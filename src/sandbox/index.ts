/**
 * The sandbox portal: a local HubSpot for the demo and the tests. Never imported by the app's own
 * request paths; the composition root points the HubSpot gateway at `sandbox.baseUrl` when no
 * HubSpot credentials are configured.
 */
export { startSandbox, WEBHOOK_PATH } from './start-sandbox';
export type {
  Sandbox,
  SandboxOptions,
  SandboxAppOptions,
  SandboxPortalOptions,
  SandboxLogger,
  SandboxStats,
  SandboxWebhooks,
  SandboxOutbound,
} from './start-sandbox';
export type { FaultControl, FaultState } from './fault-control';
export type { SandboxDataControl, SandboxObject, EditOptions } from './sandbox-data-control';
export type { DeliveryLog, WebhookEvent, WebhookMode } from './webhook-dispatcher';
export type { CardFetchOptions, WorkflowActionOptions, OutboundResult } from './outbound-calls';
export { CARD_FETCH_PATH, WORKFLOW_ACTION_PATH } from './outbound-calls';
export { generatePortal, PLANTED_GROUPS, DEFAULT_REFERENCE_TIME } from './generator';
export { PLANTED_GROUP_PERSONA } from './group-profiles';
export type { GeneratedPortal, GeneratedContact, GeneratedTicket, PlantedGroup } from './generator';
