import { Router } from 'express';
import { z } from 'zod';
import { requireHubSpotSignature } from '../http/hubspot-signature-guard';
import { parseOrThrow } from '../http/validate';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import { PERSONA_OUTPUT_FIELD, PERSONA_SCORE_OUTPUT_FIELD } from './workflow-action-definition';

export interface WorkflowPersona {
  readonly personaId: string;
  readonly score: number;
}

/** What the workflow action needs from the rest of the app. */
export interface WorkflowActionPort {
  /**
   * The contact's effective persona (a manual value wins), assigning a contact that is not synced yet
   * on demand. `personaId` is the rule set's unassigned id when no persona applies; null when the
   * contact does not exist.
   */
  personaFor(portalId: number, contactId: string): Promise<WorkflowPersona | null>;
  /** Whether the portal has the app installed (a portal that needs re-authorisation still has it). */
  isInstalled(portalId: number): Promise<boolean>;
  /** The unassigned option value of the portal's rule set. */
  unassignedId(portalId: number): Promise<string>;
}

export interface WorkflowActionResponse {
  readonly outputFields: {
    readonly [PERSONA_OUTPUT_FIELD]: string;
    readonly [PERSONA_SCORE_OUTPUT_FIELD]: number;
    readonly hs_execution_state: 'SUCCESS';
  };
}

/** Answers already given, by callback id, so a retried execution gets the same answer without recomputing. */
export interface WorkflowActionResponseStore {
  get(portalId: number, callbackId: string): Promise<WorkflowActionResponse | null>;
  save(portalId: number, callbackId: string, response: WorkflowActionResponse, atMs: number): Promise<void>;
}

export interface WorkflowActionRoutesDeps {
  readonly workflowAction: WorkflowActionPort;
  readonly responses: WorkflowActionResponseStore;
  readonly clientSecret: string;
  readonly appBaseUrl: string;
  readonly clock: Clock;
  readonly logger: Logger;
}

export const WORKFLOW_ACTION_PATH = '/workflow-actions/persona';

const objectId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,19}$/)]).transform(String);

const executionRequestSchema = z.object({
  callbackId: z.string().trim().min(1).max(256),
  origin: z.object({ portalId: z.number().int().positive() }),
  object: z.object({ objectId, objectType: z.string().trim().toUpperCase() }),
});

/**
 * HubSpot's custom workflow action: the signed body names the portal, the enrolled contact and the
 * callback id. A passing failure answers 5xx so that HubSpot retries instead of recording a failed
 * step; a request that can never succeed (malformed, not a contact, a portal without the app)
 * answers 4xx so that it stops.
 */
export function createWorkflowActionRoutes(deps: WorkflowActionRoutesDeps): Router {
  const router = Router();
  const signed = requireHubSpotSignature({ clientSecret: deps.clientSecret, appBaseUrl: deps.appBaseUrl, clock: deps.clock });
  // Concurrent deliveries of one callback share a single computation.
  const inFlight = new Map<string, Promise<WorkflowActionResponse>>();

  const answer = async (portalId: number, callbackId: string, contactId: string): Promise<WorkflowActionResponse> => {
    const stored = await deps.responses.get(portalId, callbackId);
    if (stored) return stored;
    const persona = await deps.workflowAction.personaFor(portalId, contactId)
      ?? { personaId: await deps.workflowAction.unassignedId(portalId), score: 0 };
    const response: WorkflowActionResponse = {
      outputFields: { [PERSONA_OUTPUT_FIELD]: persona.personaId, [PERSONA_SCORE_OUTPUT_FIELD]: persona.score, hs_execution_state: 'SUCCESS' },
    };
    await deps.responses.save(portalId, callbackId, response, deps.clock.now());
    return response;
  };

  router.post(WORKFLOW_ACTION_PATH, signed, async function executePersonaAction(req, res) {
    const execution = parseOrThrow(executionRequestSchema, req.body, 'workflow action execution');
    if (execution.object.objectType !== 'CONTACT') {
      throw new AppError('bad_request', `The persona action runs on contacts, not ${execution.object.objectType}`);
    }
    const portalId = execution.origin.portalId;
    if (!(await deps.workflowAction.isInstalled(portalId))) {
      // A 4xx, not a 5xx: HubSpot retries 5xx for days, and no retry can install the app.
      throw new AppError('forbidden', `Portal ${portalId} has not installed the app, so it has no personas to report`);
    }
    const key = `${portalId}\u0000${execution.callbackId}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = answer(portalId, execution.callbackId, execution.object.objectId).finally(() => inFlight.delete(key));
      inFlight.set(key, pending);
    }
    try {
      res.json(await pending);
    } catch (err) {
      deps.logger.warn({ portalId, callbackId: execution.callbackId, err }, 'persona workflow action failed; HubSpot will retry');
      throw new AppError('unavailable', 'The persona could not be determined right now', { cause: err });
    }
  });

  return router;
}
