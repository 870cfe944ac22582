import { Router } from 'express';
import { z } from 'zod';
import { requireHubSpotSignature } from '../http/hubspot-signature-guard';
import { parseOrThrow } from '../http/validate';
import type { Clock } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Logger } from '../platform/logger';
import {
  MATCH_NO,
  MATCH_YES,
  MATCHES_OUTPUT_FIELD,
  PERSONA_INPUT_FIELD,
  PERSONA_LABEL_OUTPUT_FIELD,
  PERSONA_OUTPUT_FIELD,
  PERSONA_SCORE_OUTPUT_FIELD,
} from './workflow-action-definition';

export interface WorkflowPersona {
  readonly personaId: string;
  /** The persona's name in the portal's live rule set (the id when the rule set no longer has it). */
  readonly label: string;
  readonly score: number;
}

/** One choice of the "persona to check" dropdown. */
export interface WorkflowPersonaOption {
  readonly value: string;
  readonly label: string;
  readonly description: string;
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
  /** The unassigned option of the portal's rule set. */
  unassigned(portalId: number): Promise<WorkflowPersona>;
  /** The portal's live personas and the unassigned option, in the rule set's order. */
  personaOptions(portalId: number): Promise<WorkflowPersonaOption[]>;
}

export interface WorkflowActionResponse {
  readonly outputFields: {
    readonly [MATCHES_OUTPUT_FIELD]: typeof MATCH_YES | typeof MATCH_NO;
    readonly [PERSONA_OUTPUT_FIELD]: string;
    readonly [PERSONA_LABEL_OUTPUT_FIELD]: string;
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
export const WORKFLOW_ACTION_OPTIONS_PATH = '/workflow-actions/persona/options';

const objectId = z.union([z.number().int().positive(), z.string().regex(/^[1-9]\d{0,19}$/)]).transform(String);

const executionRequestSchema = z.object({
  callbackId: z.string().trim().min(1).max(256),
  origin: z.object({ portalId: z.number().int().positive() }),
  object: z.object({ objectId, objectType: z.string().trim().toUpperCase() }),
  // A static choice arrives as its value; anything else (a field left empty) means "no persona to check".
  inputFields: z.record(z.string(), z.unknown()).optional(),
});

/** What HubSpot posts to an input field's `optionsUrl` when a workflow author opens the dropdown. */
const optionsRequestSchema = z.object({
  origin: z.object({ portalId: z.number().int().positive() }),
  inputFieldName: z.string().trim().min(1).max(200),
  fetchOptions: z
    .object({ q: z.string().max(200).optional(), after: z.string().max(200).optional() })
    .loose()
    .optional(),
});

/**
 * HubSpot's custom workflow action: the signed body names the portal, the enrolled contact and the
 * callback id. A passing failure answers 5xx so that HubSpot retries instead of recording a failed
 * step; a request that can never succeed (malformed, not a contact, a portal without the app)
 * answers 4xx so that it stops.
 * The options route fills the "persona to check" dropdown with the calling portal's personas.
 */
export function createWorkflowActionRoutes(deps: WorkflowActionRoutesDeps): Router {
  const router = Router();
  const signed = requireHubSpotSignature({
    clientSecret: deps.clientSecret,
    appBaseUrl: deps.appBaseUrl,
    clock: deps.clock,
    acceptV2: true,
  });
  // Concurrent deliveries of one callback share a single computation.
  const inFlight = new Map<string, Promise<WorkflowActionResponse>>();

  const answer = async (
    portalId: number,
    callbackId: string,
    contactId: string,
    toCheck: string | null,
  ): Promise<WorkflowActionResponse> => {
    const stored = await deps.responses.get(portalId, callbackId);
    if (stored) return stored;
    const persona = (await deps.workflowAction.personaFor(portalId, contactId)) ?? (await deps.workflowAction.unassigned(portalId));
    const response: WorkflowActionResponse = {
      outputFields: {
        [MATCHES_OUTPUT_FIELD]: toCheck !== null && toCheck === persona.personaId ? MATCH_YES : MATCH_NO,
        [PERSONA_OUTPUT_FIELD]: persona.personaId,
        [PERSONA_LABEL_OUTPUT_FIELD]: persona.label,
        [PERSONA_SCORE_OUTPUT_FIELD]: persona.score,
        hs_execution_state: 'SUCCESS',
      },
    };
    await deps.responses.save(portalId, callbackId, response, deps.clock.now());
    return response;
  };

  router.post(WORKFLOW_ACTION_OPTIONS_PATH, signed, async function personaOptions(req, res) {
    const request = parseOrThrow(optionsRequestSchema, req.body, 'workflow action options request');
    if (request.inputFieldName !== PERSONA_INPUT_FIELD) {
      throw new AppError('bad_request', `The persona action has no input field "${request.inputFieldName}" with fetched options`);
    }
    if (!(await deps.workflowAction.isInstalled(request.origin.portalId))) {
      throw new AppError('forbidden', `Portal ${request.origin.portalId} has not installed the app, so it has no personas to offer`);
    }
    const query = request.fetchOptions?.q?.trim().toLowerCase() ?? '';
    const options = (await deps.workflowAction.personaOptions(request.origin.portalId)).filter(
      (o) => query === '' || o.label.toLowerCase().includes(query) || o.value.toLowerCase().includes(query),
    );
    res.json({ options, searchable: true });
  });

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
    const chosen = execution.inputFields?.[PERSONA_INPUT_FIELD];
    const toCheck = typeof chosen === 'string' && chosen.trim() !== '' ? chosen.trim() : null;
    const key = `${portalId}\u0000${execution.callbackId}`;
    let pending = inFlight.get(key);
    if (!pending) {
      pending = answer(portalId, execution.callbackId, execution.object.objectId, toCheck).finally(() => inFlight.delete(key));
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
